import type { TrackingResult } from "./tracking.types.js";

/**
 * Where tracking answers come from. The default reads the shipment store (fed by the carrier
 * webhook and CSV import); an HTTP aggregator (Kuaidi100-style) can be enabled by config.
 */
export interface TrackingProvider {
  /** Short name for logs and metrics ("store", "kuaidi100"). */
  readonly name: string;
  /**
   * Looks up one waybill. With `carrier`, only that carrier's shipment; without, every
   * carrier that has this number (a bare number can fit several carriers' formats).
   * Resolves to [] when nothing is known: never a guessed status.
   * Rejects with {@link TrackingUnavailableError} when the source cannot answer right now.
   */
  lookup(waybill: string, carrier?: string, hints?: LookupHints): Promise<TrackingResult[]>;
}

export interface LookupHints {
  /** Receiver's or sender's phone: some carriers (SF) require its last 4 digits to show details. */
  phone?: string | undefined;
  /** Ranked carrier guesses for a number without a known carrier (a live source tries them in order). */
  carriers?: readonly string[] | undefined;
}

/** The source timed out, failed, or its circuit breaker is open: callers fall back. */
export class TrackingUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: "timeout" | "error" | "circuit_open",
  ) {
    super(message);
    this.name = "TrackingUnavailableError";
  }
}
