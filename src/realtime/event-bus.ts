/**
 * Fans realtime events (new messages, ticket changes, SLA warnings) out to WebSocket
 * clients. In-process in embedded mode; Redis pub/sub in scale mode, so an agent connected
 * to any instance sees events raised on every other.
 */
export interface EventBus {
  readonly name: string;
  publish(topic: string, event: RealtimeEvent): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(topic: string, listener: (event: RealtimeEvent) => void): () => void;
  close(): Promise<void>;
  /** For /readyz: "degraded" while the transport (Redis) is unreachable. */
  health(): ComponentHealth;
}

/** A part's state on /readyz. */
export interface ComponentHealth {
  state: "ready" | "degraded";
  detail: string;
}

export interface RealtimeEvent {
  type: string;
  [key: string]: unknown;
}
