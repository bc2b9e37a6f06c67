import type { Db } from "../db/client.js";
import type { TrackingProvider } from "./tracking.provider.js";
import { isShipmentStatus, type ShipmentStatus, type TrackingResult } from "./tracking.types.js";

interface Row {
  waybill: string;
  carrier: string;
  status: string;
  origin: string | null;
  destination: string | null;
  pickedUpAt: Date | null;
  lastEventAt: Date | null;
  deliveredAt: Date | null;
  /** json_agg result: parsed by adapter-pg, a string from some drivers. */
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

/**
 * Reads the shipment store. One round trip per turn: the shipments for the waybill (unique
 * index on carrier+waybill, index on waybill) with their newest events (index on shipmentId,time)
 * folded in through a lateral sub-select.
 */
export class StoreTrackingProvider implements TrackingProvider {
  readonly name = "store";

  constructor(
    private readonly db: Db,
    private readonly eventsPerShipment = 3,
  ) {}

  async lookup(waybill: string, carrier?: string): Promise<TrackingResult[]> {
    const limit = this.eventsPerShipment;
    const rows = await this.db.$queryRaw<Row[]>`
      SELECT s.waybill, s.carrier, s.status, s.origin, s.destination,
             s."pickedUpAt", s."lastEventAt", s."deliveredAt",
             COALESCE((
               SELECT json_agg(json_build_object('time', e.time, 'status', e.status, 'location', e.location,
                                                 'description', e.description) ORDER BY e.time DESC, e."createdAt" DESC)
               FROM (SELECT time, status, location, description, "createdAt" FROM "TrackingEvent"
                     WHERE "shipmentId" = s.id ORDER BY time DESC, "createdAt" DESC LIMIT ${limit}) e
             ), '[]'::json) AS events
      FROM "Shipment" s
      WHERE s.waybill = ${waybill} AND (${carrier ?? null}::text IS NULL OR s.carrier = ${carrier ?? null}::text)
      ORDER BY s."lastEventAt" DESC NULLS LAST
      LIMIT 5`;
    return rows.map((r) => {
      const events = (typeof r.events === "string" ? JSON.parse(r.events) : r.events) as EventJson[];
      return {
        waybill: r.waybill,
        carrier: r.carrier,
        status: asStatus(r.status),
        origin: r.origin,
        destination: r.destination,
        pickedUpAt: r.pickedUpAt,
        lastEventAt: r.lastEventAt,
        deliveredAt: r.deliveredAt,
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
