// Generated tracking for the benches that count parcels per place (issue 23): outlets named after
// cities, parcels picked up between those cities, and events naming their outlets in the ways
// carriers write them. Used by tracked-shipments.bench.ts (one month) and report.bench.ts (a year).
import type pg from "pg";

export interface TrackingData {
  /** Short city names ("杭州"): outlet i is "<city>第i网点"; a parcel goes from "<city>市" to another city. */
  cities: readonly string[];
  /** Outlets O0001… (each parcel's events name one of them, by a hash of its waybill). */
  outlets: number;
  /** Parcels W1…WN, picked up one day in `days` from `firstPickup` (a UTC timestamp), round-robin. */
  parcels: number;
  firstPickup: string;
  days: number;
  /**
   * Events per parcel, 10 hours apart (default 4): the outlet as the location, "快件已到达【outlet】",
   * "快件离开【杭州转运中心】" (a transfer centre, no outlet), the outlet's name with a street appended.
   */
  events?: number;
}

/** Inserts the outlets, parcels and events (no counting: see refreshTrackedShipments). */
export async function generateTracking(c: pg.Client, o: TrackingData): Promise<void> {
  const width = Math.max(4, String(o.outlets).length);
  await c.query(
    `INSERT INTO "Outlet" (code, name, "regionCodes", "createdAt", "updatedAt")
     SELECT 'O' || lpad(i::text, $3::int, '0'), ($1::text[])[1 + i % cardinality($1::text[])] || '第' || i || '网点',
       '{}', now(), now()
     FROM generate_series(1, $2::int) i`,
    [o.cities, o.outlets, width],
  );
  await c.query(
    `INSERT INTO "Shipment" (id, waybill, carrier, status, origin, destination, "pickedUpAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), 'W' || i, 'SF', 'delivered', cities[1 + i % n] || '市', cities[1 + (i / 7) % n],
       picked, picked, now()
     FROM (SELECT i, $1::text[] AS cities, cardinality($1::text[]) AS n,
             $3::timestamp + (i % $4::int) * interval '1 day' AS picked
           FROM generate_series(1, $2::int) i) g`,
    [o.cities, o.parcels, o.firstPickup, o.days],
  );
  await c.query(
    `INSERT INTO "TrackingEvent" (id, "shipmentId", time, status, "rawStatus", location, description, "dedupeKey", "createdAt")
     SELECT gen_random_uuid(), s.id, s."pickedUpAt" + k * interval '10 hours', 'in_transit', 'x',
       CASE k WHEN 0 THEN o.name WHEN 3 THEN o.name || '文三路' ELSE NULL END,
       CASE k WHEN 1 THEN '快件已到达【' || o.name || '】' WHEN 2 THEN '快件离开【杭州转运中心】' ELSE '已处理' END,
       s.id::text || k, now()
     FROM "Shipment" s
     JOIN "Outlet" o ON o.code = 'O' || lpad((1 + abs(hashtext(s.waybill)) % $1::int)::text, $2::int, '0'),
     generate_series(0, $3::int - 1) k`,
    [o.outlets, width, o.events ?? 4],
  );
}
