import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { CircuitBreaker, TtlCache } from "./circuit-breaker.js";
import { parseEventTime } from "./ingest.service.js";
import { normaliseStatus } from "./status.normaliser.js";
import { type LookupHints, type TrackingProvider, TrackingUnavailableError } from "./tracking.provider.js";
import type { ShipmentStatus, TrackingEventView, TrackingResult } from "./tracking.types.js";

/** Our carrier codes → the aggregator's company codes (Kuaidi100 `com`). */
export const KUAIDI100_COMPANY: Record<string, string> = {
  SF: "shunfeng",
  ZTO: "zhongtong",
  YTO: "yuantong",
  STO: "shentong",
  YUNDA: "yunda",
  JD: "jd",
  JT: "jtexpress",
  DEPPON: "debangkuaidi",
  EMS: "ems",
};

export interface Kuaidi100Options {
  url: string;
  customer: string;
  key: string;
  timeoutMs: number;
  retries: number;
  cacheSeconds: number;
  breakerThreshold?: number;
  breakerOpenMs?: number;
  /** At most this many candidate carriers are tried for a number without a carrier. */
  maxCandidates?: number;
}

interface Kuaidi100Response {
  result?: boolean;
  returnCode?: string;
  message?: string;
  state?: string;
  com?: string;
  nu?: string;
  data?: { time?: string; ftime?: string; context?: string; location?: string; areaName?: string; status?: string }[];
}

class NotRetryable extends Error {}

/**
 * A Kuaidi100-style real-time query API (form POST of `customer`, `sign`, `param`; JSON back).
 * Timeout per attempt, retry on network errors and 5xx, a circuit breaker, and a short cache so
 * a customer asking twice doesn't cost two remote calls.
 */
export class Kuaidi100Provider implements TrackingProvider {
  readonly name = "kuaidi100";
  private readonly breaker: CircuitBreaker;
  private readonly cache: TtlCache<TrackingResult | null>;

  constructor(
    private readonly opts: Kuaidi100Options,
    private readonly log: Logger,
  ) {
    this.breaker = new CircuitBreaker(opts.breakerThreshold ?? 5, opts.breakerOpenMs ?? 30_000);
    this.cache = new TtlCache(opts.cacheSeconds * 1000);
  }

  get breakerState(): string {
    return this.breaker.state;
  }

  async lookup(waybill: string, carrier?: string, hints: LookupHints = {}): Promise<TrackingResult[]> {
    const candidates = (carrier ? [carrier] : [...(hints.carriers ?? [])])
      .filter((c) => KUAIDI100_COMPANY[c])
      .slice(0, this.opts.maxCandidates ?? 3);
    for (const c of candidates) {
      const found = await this.queryOne(waybill, c, hints.phone);
      if (found) return [found];
    }
    return [];
  }

  private async queryOne(waybill: string, carrier: string, phone?: string): Promise<TrackingResult | null> {
    const cacheKey = `${carrier}|${waybill}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    if (!this.breaker.allow()) throw new TrackingUnavailableError("aggregator circuit open", "circuit_open");

    const param = JSON.stringify({
      com: KUAIDI100_COMPANY[carrier],
      num: waybill,
      ...(phone ? { phone: phone.slice(-4) } : {}),
      resultv2: "1",
    });
    const sign = createHash("md5")
      .update(param + this.opts.key + this.opts.customer)
      .digest("hex")
      .toUpperCase();
    const body = new URLSearchParams({ customer: this.opts.customer, sign, param }).toString();

    let lastError: TrackingUnavailableError | undefined;
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * attempt));
      try {
        const json = await this.post(body);
        this.breaker.success();
        const result = this.toResult(json, waybill, carrier);
        this.cache.set(cacheKey, result);
        return result;
      } catch (err) {
        if (err instanceof NotRetryable) {
          this.breaker.failure();
          throw new TrackingUnavailableError(err.message, "error");
        }
        const timeout = (err as Error).name === "TimeoutError" || (err as Error).name === "AbortError";
        lastError = new TrackingUnavailableError(
          timeout
            ? `aggregator timed out after ${this.opts.timeoutMs} ms`
            : `aggregator failed: ${(err as Error).message}`,
          timeout ? "timeout" : "error",
        );
        this.log.warn({ carrier, attempt, reason: lastError.reason }, "tracking aggregator call failed");
      }
    }
    this.breaker.failure();
    throw lastError ?? new TrackingUnavailableError("aggregator failed", "error");
  }

  private async post(body: string): Promise<Kuaidi100Response> {
    const res = await fetch(this.opts.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
    if (!res.ok) throw new NotRetryable(`HTTP ${res.status}`);
    try {
      return (await res.json()) as Kuaidi100Response;
    } catch {
      throw new NotRetryable("aggregator answered with invalid JSON");
    }
  }

  /** null = the aggregator knows nothing about this number; anything else unexpected is an error. */
  private toResult(json: Kuaidi100Response, waybill: string, carrier: string): TrackingResult | null {
    if (json.result === false) {
      if (json.returnCode === "500") return null; // 查询无结果
      throw new NotRetryable(`aggregator error ${json.returnCode ?? "?"}: ${json.message ?? ""}`);
    }
    const events: TrackingEventView[] = [];
    for (const d of json.data ?? []) {
      const time = parseEventTime(d.ftime ?? d.time ?? "");
      const description = d.context?.trim();
      if (!time || !description) continue;
      const status = normaliseStatus(d.status ?? "", description) ?? "in_transit";
      events.push({ time, status, location: d.location || d.areaName || null, description });
    }
    if (!events.length) return null;
    events.sort((a, b) => b.time.getTime() - a.time.getTime());
    const latest = events[0]!;
    const status: ShipmentStatus = normaliseStatus(json.state ?? "", latest.description) ?? latest.status;
    const ascending = [...events].reverse();
    return {
      waybill,
      carrier,
      status,
      origin: null,
      destination: null,
      pickedUpAt: ascending.find((e) => e.status !== "pending_pickup")?.time ?? null,
      lastEventAt: latest.time,
      deliveredAt: ascending.find((e) => e.status === "delivered")?.time ?? null,
      events,
      source: "aggregator",
    };
  }
}
