import type { Database } from "../db/client.js";
import { GroupCommit } from "../db/group-commit.js";
import type { TrackingProvider } from "./tracking.provider.js";
import { isShipmentStatus, type ShipmentStatus, type TrackingResult } from "./tracking.types.js";

interface Row {
  waybill: string;
  carrier: string;
  status: string;
  origin: string | null;
  destination: string | null;
  /** Epoch milliseconds: pg and PGlite parse timestamps differently (Database.query). */
  pickedUpAt: number | null;
  lastEventAt: number | null;
  deliveredAt: number | null;
  /** json_agg result: parsed by both drivers, a string from some others. */
  events: unknown;
}

interface EventJson {
  time: string;
  status: string;
  location: string | null;
  description: string;
}

const asStatus = (s: string): ShipmentStatus => (isShipmentStatus(s) ? s : "in_transit");
/** json_build_object renders a `timestamp` (UTC by convention here) without a zone. */
const utc = (s: string): Date => new Date(/Z|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
const fromMs = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const ms = (column: string) => `(extract(epoch from s."${column}") * 1000)::float8 AS "${column}"`;

/**
 * On the driver directly, as a prepared statement, and batched: the lookups of concurrent turns
 * share one statement (GroupCommit). Asked on most turns; Prisma's overhead and one statement
 * per lookup both showed in profiles. `q.ord` says which lookup a row answers.
 */
const LOOKUP_SQL = `
  SELECT q.ord::int AS ord, s.waybill, s.carrier, s.status, s.origin, s.destination,
         ${ms("pickedUpAt")}, ${ms("lastEventAt")}, ${ms("deliveredAt")},
         COALESCE((
           SELECT json_agg(json_build_object('time', e.time, 'status', e.status, 'location', e.location,
                                             'description', e.description) ORDER BY e.time DESC, e."createdAt" DESC)
           FROM (SELECT time, status, location, description, "createdAt" FROM "TrackingEvent"
                 WHERE "shipmentId" = s.id ORDER BY time DESC, "createdAt" DESC LIMIT $3) e
         ), '[]'::json) AS events
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS q(waybill, carrier, ord)
  CROSS JOIN LATERAL (
    SELECT * FROM "Shipment" s
    WHERE s.waybill = q.waybill AND (q.carrier IS NULL OR s.carrier = q.carrier)
    ORDER BY s."lastEventAt" DESC NULLS LAST
    LIMIT 5) s
  ORDER BY q.ord, s."lastEventAt" DESC NULLS LAST`;

/**
 * Reads the shipment store: the shipments for a waybill (unique index on carrier+waybill,
 * index on waybill) with their newest events (index on shipmentId,time) folded in through a
 * lateral sub-select.
 */
export class StoreTrackingProvider implements TrackingProvider {
  readonly name = "store";
  private readonly batch: GroupCommit<{ waybill: string; carrier: string | null }, TrackingResult[]>;

  constructor(
    private readonly db: Pick<Database, "query" | "kind">,
    private readonly eventsPerShipment = 3,
  ) {
    this.batch = new GroupCommit((lookups) => this.lookupBatch(lookups), {
      maxBatch: 64,
      maxInFlight: db.kind === "pglite" ? 1 : 4,
    });
  }

  lookup(waybill: string, carrier?: string): Promise<TrackingResult[]> {
    return this.batch.run({ waybill, carrier: carrier ?? null });
  }

  private async lookupBatch(lookups: { waybill: string; carrier: string | null }[]): Promise<TrackingResult[][]> {
    const rows = await this.db.query<Row & { ord: number }>(
      LOOKUP_SQL,
      [lookups.map((l) => l.waybill), lookups.map((l) => l.carrier), this.eventsPerShipment],
      "kd_tracking_lookup",
    );
    const results: TrackingResult[][] = lookups.map(() => []);
    for (const r of rows) results[r.ord - 1]?.push(toResult(r));
    return results;
  }
}

function toResult(r: Row): TrackingResult {
  const events = (typeof r.events === "string" ? JSON.parse(r.events) : r.events) as EventJson[];
  return {
    waybill: r.waybill,
    carrier: r.carrier,
    status: asStatus(r.status),
    origin: r.origin,
    destination: r.destination,
    pickedUpAt: fromMs(r.pickedUpAt),
    lastEventAt: fromMs(r.lastEventAt),
    deliveredAt: fromMs(r.deliveredAt),
    events: events.map((e) => ({
      time: utc(e.time),
      status: asStatus(e.status),
      location: e.location,
      description: e.description,
    })),
    source: "store" as const,
  };
}
