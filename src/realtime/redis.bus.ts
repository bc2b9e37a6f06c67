import { EventEmitter } from "node:events";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ComponentHealth, EventBus, RealtimeEvent } from "./event-bus.js";
import { BUS_GAP } from "./topics.js";

/**
 * Redis pub/sub: one subscriber connection per instance, topics subscribed on demand.
 * Channels are namespaced per deployment (`namespace`), so several deployments or test runs
 * can share one Redis without seeing each other's events.
 */
export class RedisBus implements EventBus {
  readonly name = "redis";
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly local = new EventEmitter();
  private readonly counts = new Map<string, number>();
  private readonly prefix: string;

  constructor(
    url: string,
    private readonly log: Logger,
    namespace = "default",
  ) {
    this.prefix = `kd:rt:${namespace}:`;
    // Auto-pipelining: a turn's events (the inbound message, its replies) and those of the
    // turns committed with it leave in one socket write instead of one each.
    this.pub = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false, enableAutoPipelining: true });
    this.sub = new Redis(url, { maxRetriesPerRequest: null });
    this.pub.on("error", (err) => this.log.warn({ err }, "redis publisher error"));
    this.sub.on("error", (err) => this.log.warn({ err }, "redis subscriber error"));
    this.local.setMaxListeners(0);
    // Pub/sub messages published while the subscriber was away are lost: after every reconnect
    // (ioredis subscribes again by itself) each local listener is told, so that what it cached
    // from earlier events (an agent's access to a watched conversation) is read again.
    let connected = false;
    this.sub.on("ready", () => {
      if (connected) for (const topic of this.counts.keys()) this.local.emit(topic, { type: BUS_GAP });
      connected = true;
    });
    this.sub.on("message", (channel: string, raw: string) => {
      try {
        this.local.emit(channel.slice(this.prefix.length), JSON.parse(raw) as RealtimeEvent);
      } catch (err) {
        this.log.warn({ err }, "malformed realtime event ignored");
      }
    });
  }

  health(): ComponentHealth {
    // ioredis says "ready" only while connected; "connecting"/"reconnecting" while Redis is away.
    if (this.pub.status === "ready" && this.sub.status === "ready") return { state: "ready", detail: this.name };
    return {
      state: "degraded",
      detail: "redis: unreachable; realtime events reach only consoles on this instance",
    };
  }

  async publish(topic: string, event: RealtimeEvent): Promise<void> {
    await this.pub.publish(this.prefix + topic, JSON.stringify(event));
  }

  subscribe(topic: string, listener: (event: RealtimeEvent) => void): () => void {
    this.local.on(topic, listener);
    const n = (this.counts.get(topic) ?? 0) + 1;
    this.counts.set(topic, n);
    if (n === 1)
      void this.sub.subscribe(this.prefix + topic).catch((err) => this.log.warn({ err, topic }, "subscribe failed"));
    return () => {
      this.local.off(topic, listener);
      const left = (this.counts.get(topic) ?? 1) - 1;
      if (left <= 0) {
        this.counts.delete(topic);
        void this.sub.unsubscribe(this.prefix + topic).catch(() => {});
      } else this.counts.set(topic, left);
    };
  }

  async close(): Promise<void> {
    this.local.removeAllListeners();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
