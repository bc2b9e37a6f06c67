import { EventEmitter } from "node:events";
import type { ComponentHealth, EventBus, RealtimeEvent } from "./event-bus.js";

export class InProcessBus implements EventBus {
  readonly name = "in-process";
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0); // one listener per open WebSocket
  }

  async publish(topic: string, event: RealtimeEvent): Promise<void> {
    this.emitter.emit(topic, event);
  }

  subscribe(topic: string, listener: (event: RealtimeEvent) => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  health(): ComponentHealth {
    return { state: "ready", detail: this.name };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
