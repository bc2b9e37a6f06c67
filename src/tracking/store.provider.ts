import type { Database } from "../db/client.js";
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

/** On the driver directly (a prepared statement): asked on most turns, Prisma's overhead showed in profiles. */
const LOOKUP_SQL = `
  SELECT s.waybill, s.carrier, s.status, s.origin, s.destination,
         ${ms("pickedUpAt")}, ${ms("lastEventAt")}, ${ms("deliveredAt")},
         COALESCE((
           SELECT json_agg(json_build_object('time', e.time, 'status', e.status, 'location', e.location,
                                             'description', e.description) ORDER BY e.time DESC, e."createdAt" DESC)
           FROM (SELECT time, status, location, description, "createdAt" FROM "TrackingEvent"
                 WHERE "shipmentId" = s.id ORDER BY time DESC, "createdAt" DESC LIMIT $3) e
         ), '[]'::json) AS events
  FROM "Shipment" s
  WHERE s.waybill = $1 AND ($2::text IS NULL OR s.carrier = $2::text)
  ORDER BY s."lastEventAt" DESC NULLS LAST
  LIMIT 5`;

/**
 * Reads the shipment store. One round trip per turn: the shipments for the waybill (unique
 * index on carrier+waybill, index on waybill) with their newest events (index on shipmentId,time)
 * folded in through a lateral sub-select.
 */
export class StoreTrackingProvider implements TrackingProvider {
  readonly name = "store";

  constructor(
    private readonly db: Pick<Database, "query">,
    private readonly eventsPerShipment = 3,
  ) {}

  async lookup(waybill: string, carrier?: string): Promise<TrackingResult[]> {
    const limit = this.eventsPerShipment;
    const rows = await this.db.query<Row>(LOOKUP_SQL, [waybill, carrier ?? null, limit], "kd_tracking_lookup");
    return rows.map((r) => {
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
    });
  }
}
