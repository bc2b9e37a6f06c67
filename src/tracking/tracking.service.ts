import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { maskPhone } from "../logger.js";
import { type CareLimits, DEFAULT_CARE_LIMITS } from "./care.rules.js";
import { normalisePhone, type TrackingIngestService } from "./ingest.service.js";
import type { StoreTrackingProvider } from "./store.provider.js";
import { type TrackingProvider, TrackingUnavailableError } from "./tracking.provider.js";
import { isShipmentStatus, type ShipmentStatus, type TrackingResult } from "./tracking.types.js";

export interface LookupOptions {
  /** The carrier the customer named, if any. */
  carrier?: string | undefined;
  /** Ranked carrier guesses from the number's format. */
  carriers?: readonly string[] | undefined;
  /** Whose question it is: their phone helps some carriers' live queries. */
  customerId?: string | undefined;
}

export interface LookupOutcome {
  results: TrackingResult[];
  /** The live source failed: these results (or none) come from the store and may be stale. */
  degraded: boolean;
}

export interface RecentShipment {
  waybill: string;
  carrier: string;
  status: ShipmentStatus;
  lastEventAt: Date | null;
}

export interface ShipmentDetail {
  id: string;
  waybill: string;
  carrier: string;
  status: string;
  origin: string | null;
  destination: string | null;
  senderPhone: string | null;
  receiverPhone: string | null;
  pickedUpAt: Date | null;
  lastEventAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  events: { time: Date; status: string; rawStatus: string; location: string | null; description: string }[];
}

/**
 * Tracking for the bot and the agent console. With a live provider configured it is asked
 * first and its answer is written through to the store; when it times out or its breaker is
 * open, the store answers and the outcome says so (the bot tells the customer).
 */
export class TrackingService {
  constructor(
    private readonly deps: {
      db: Db;
      store: StoreTrackingProvider;
      live?: TrackingProvider | undefined;
      ingest: TrackingIngestService;
      log: Logger;
      limits?: CareLimits;
    },
  ) {}

  get limits(): CareLimits {
    return this.deps.limits ?? DEFAULT_CARE_LIMITS;
  }

  get liveProvider(): string | undefined {
    return this.deps.live?.name;
  }

  async lookup(waybill: string, opts: LookupOptions = {}): Promise<LookupOutcome> {
    const { live, store, log } = this.deps;
    let degraded = false;
    if (live) {
      try {
        const phone = opts.customerId ? await this.customerPhone(opts.customerId) : undefined;
        const results = await live.lookup(waybill, opts.carrier, { carriers: opts.carriers, phone });
        if (results.length) {
          await this.writeThrough(results);
          return { results, degraded: false };
        }
      } catch (err) {
        if (!(err instanceof TrackingUnavailableError)) throw err;
        degraded = true;
        log.warn({ provider: live.name, reason: err.reason }, "live tracking unavailable, answering from the store");
      }
    }
    const all = await store.lookup(waybill);
    const named = opts.carrier ? all.filter((r) => r.carrier === opts.carrier) : [];
    return { results: named.length ? named : all, degraded };
  }

  /**
   * Shipments whose receiver or sender phone is the customer's, newest first. `knownPhone`:
   * the phone the caller already read (null: none), saving a lookup.
   */
  async recentForCustomer(customerId: string, limit = 5, knownPhone?: string | null): Promise<RecentShipment[]> {
    const phone =
      knownPhone === undefined ? await this.customerPhone(customerId) : knownPhone ? normalisePhone(knownPhone) : null;
    if (!phone) return [];
    const rows = await this.deps.db.shipment.findMany({
      where: { OR: [{ receiverPhone: phone }, { senderPhone: phone }] },
      orderBy: { lastEventAt: { sort: "desc", nulls: "last" } },
      take: limit,
      select: { waybill: true, carrier: true, status: true, lastEventAt: true },
    });
    return rows.map((r) => ({ ...r, status: isShipmentStatus(r.status) ? r.status : "in_transit" }));
  }

  async hasRecent(customerId: string, knownPhone?: string | null): Promise<boolean> {
    return (await this.recentForCustomer(customerId, 1, knownPhone)).length > 0;
  }

  /** Everything known about a waybill for the agent console (phones masked). */
  async detail(
    waybill: string,
    carrier?: string,
  ): Promise<{ shipment: ShipmentDetail; otherCarriers: string[] } | null> {
    const rows = await this.deps.db.shipment.findMany({
      where: { waybill, ...(carrier ? { carrier } : {}) },
      orderBy: { lastEventAt: { sort: "desc", nulls: "last" } },
      include: {
        events: {
          orderBy: [{ time: "desc" }, { createdAt: "desc" }],
          select: { time: true, status: true, rawStatus: true, location: true, description: true },
        },
      },
    });
    const [first, ...others] = rows;
    if (!first) return null;
    const { updatedAt: _u, ...shipment } = first;
    return {
      shipment: {
        ...shipment,
        senderPhone: shipment.senderPhone ? maskPhone(shipment.senderPhone) : null,
        receiverPhone: shipment.receiverPhone ? maskPhone(shipment.receiverPhone) : null,
      },
      otherCarriers: others.map((o) => o.carrier),
    };
  }

  /** The customer's phone, normalised (undefined: none known, e.g. a web-chat visitor). */
  async customerPhone(customerId: string): Promise<string | undefined> {
    const customer = await this.deps.db.customer.findUnique({ where: { id: customerId }, select: { phone: true } });
    return customer?.phone ? normalisePhone(customer.phone) : undefined;
  }

  private async writeThrough(results: TrackingResult[]): Promise<void> {
    const events = results.flatMap((r) =>
      r.events.map((e) => ({
        waybill: r.waybill,
        carrier: r.carrier,
        time: e.time.toISOString(),
        status: e.status,
        location: e.location,
        description: e.description,
      })),
    );
    try {
      await this.deps.ingest.ingest(events);
    } catch (err) {
      // The answer is already in hand; a failed copy only costs the console its history.
      this.deps.log.warn({ err }, "could not store live tracking events");
    }
  }
}
