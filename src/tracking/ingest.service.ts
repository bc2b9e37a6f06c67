import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { detectCarriers, findCarrierMention, normaliseText, normaliseWaybill } from "../../intents/index.js";
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { normaliseStatus } from "./status.normaliser.js";
import { type ShipmentStatus, STATUS_RANK } from "./tracking.types.js";

/** Largest batch one webhook call may carry (issue 5). */
export const MAX_BATCH = 1000;

/** One event as a carrier or the company's own system sends it. */
export interface IncomingEvent {
  waybill: string;
  carrier?: string | null | undefined;
  /** ISO 8601; without an offset it is read as China time (+08:00), as carriers send it. */
  time: string;
  status: string;
  location?: string | null | undefined;
  description: string;
  origin?: string | null | undefined;
  destination?: string | null | undefined;
  senderPhone?: string | null | undefined;
  receiverPhone?: string | null | undefined;
}

export type RejectCode =
  | "INVALID_EVENT"
  | "INVALID_WAYBILL"
  | "INVALID_TIME"
  | "TIME_IN_FUTURE"
  | "UNKNOWN_STATUS"
  | "UNKNOWN_CARRIER"
  | "CARRIER_REQUIRED"
  | "INVALID_PHONE";

export type ItemResult =
  | { index: number; result: "stored" | "duplicate"; waybill: string; carrier: string }
  | { index: number; result: "rejected"; code: RejectCode; reason: string };

export interface IngestSummary {
  stored: number;
  duplicate: number;
  rejected: number;
  items: ItemResult[];
}

interface Row {
  waybill: string;
  carrier: string;
  t: string;
  status: ShipmentStatus;
  raw: string;
  location: string | null;
  description: string;
  key: string;
  origin: string | null;
  destination: string | null;
  sp: string | null;
  rp: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const CARRIER_CODE = /^[A-Z][A-Z0-9_]{1,15}$/;
/** Carriers' clocks drift; an event more than this far in the future is a sender bug. */
const FUTURE_TOLERANCE_MS = 60 * 60 * 1000;

const str = (v: unknown, max: number): string | null | undefined | false => {
  if (v === undefined || v === null) return v;
  if (typeof v !== "string" || v.length > max) return false;
  return v.trim() === "" ? null : v.trim();
};

/** Mainland mobiles lose the +86 prefix so they match Customer.phone; others keep their digits. */
export function normalisePhone(raw: string): string | undefined {
  const digits = raw.replace(/[\s()-]/g, "").replace(/^\+/, "");
  if (!/^\d{5,20}$/.test(digits)) return undefined;
  const m = digits.match(/^(?:0086|86)?(1[3-9]\d{9})$/);
  return m?.[1] ?? digits;
}

/** Parses an ISO 8601 time; a time without an offset is China time. */
export function parseEventTime(raw: string): Date | undefined {
  const s = raw.trim();
  if (!ISO.test(s)) return undefined;
  const withZone = /(Z|[+-]\d{2}(?::?\d{2})?)$/i.test(s.slice(10)) ? s : `${s}+08:00`;
  const d = new Date(withZone.replace(" ", "T"));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function dedupeKey(
  carrier: string,
  waybill: string,
  time: Date,
  rawStatus: string,
  description: string,
): string {
  return createHash("sha256")
    .update(`${carrier}|${waybill}|${time.toISOString()}|${rawStatus}|${description}`)
    .digest("base64url");
}

type Checked = { ok: true; row: Omit<Row, "carrier" | "key">; carrier?: string; time: Date } | ItemResult;

/**
 * Stores tracking events: validates each item on its own (a bad item is rejected with a
 * reason while the good ones in the batch are stored), dedupes by content, and keeps each
 * shipment's status at its newest event by event time, whatever order events arrive in.
 */
export class TrackingIngestService {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    /** The clock that judges "in the future" (the composition root's; tests pin it). */
    readonly now: () => Date = () => new Date(),
  ) {}

  async ingest(items: readonly unknown[], now = this.now()): Promise<IngestSummary> {
    const results: ItemResult[] = new Array(items.length);
    const checked: { index: number; c: Extract<Checked, { ok: true }> }[] = [];
    for (let i = 0; i < items.length; i++) {
      const c = this.check(items[i], i, now);
      if ("ok" in c) checked.push({ index: i, c });
      else results[i] = c;
    }

    // A bare number that fits several carriers: use the carrier already on file, if exactly one.
    const ambiguous = [...new Set(checked.filter((x) => !x.c.carrier).map((x) => x.c.row.waybill))];
    const onFile = new Map<string, string[]>();
    if (ambiguous.length) {
      const found = await this.db.shipment.findMany({
        where: { waybill: { in: ambiguous } },
        select: { waybill: true, carrier: true },
      });
      for (const f of found) onFile.set(f.waybill, [...(onFile.get(f.waybill) ?? []), f.carrier]);
    }

    const rows: Row[] = [];
    const rowIndex: number[] = [];
    const seen = new Set<string>();
    for (const { index, c } of checked) {
      let carrier = c.carrier;
      if (!carrier) {
        const candidates = detectCarriers(c.row.waybill);
        const filed = onFile.get(c.row.waybill) ?? [];
        if (filed.length === 1) carrier = filed[0];
        else if (candidates.length === 1) carrier = candidates[0];
        else {
          results[index] = {
            index,
            result: "rejected",
            code: "CARRIER_REQUIRED",
            reason: candidates.length
              ? `carrier is required: ${c.row.waybill} fits ${candidates.join(", ")}`
              : `carrier is required: ${c.row.waybill} fits no known carrier format`,
          };
          continue;
        }
      }
      const key = dedupeKey(carrier!, c.row.waybill, c.time, c.row.raw, c.row.description);
      if (seen.has(key)) {
        results[index] = { index, result: "duplicate", waybill: c.row.waybill, carrier: carrier! };
        continue;
      }
      seen.add(key);
      rows.push({ ...c.row, carrier: carrier!, key });
      rowIndex.push(index);
    }

    const stored = rows.length ? await this.write(rows) : new Set<string>();
    rows.forEach((row, n) => {
      const index = rowIndex[n]!;
      results[index] = {
        index,
        result: stored.has(row.key) ? "stored" : "duplicate",
        waybill: row.waybill,
        carrier: row.carrier,
      };
    });
    const summary: IngestSummary = { stored: 0, duplicate: 0, rejected: 0, items: results };
    for (const r of results) summary[r.result] += 1;
    this.log.debug(
      { stored: summary.stored, duplicate: summary.duplicate, rejected: summary.rejected },
      "tracking events ingested",
    );
    return summary;
  }

  private check(item: unknown, index: number, now: Date): Checked {
    const reject = (code: RejectCode, reason: string): ItemResult => ({ index, result: "rejected", code, reason });
    if (typeof item !== "object" || item === null || Array.isArray(item))
      return reject("INVALID_EVENT", "event must be an object");
    const e = item as Record<string, unknown>;
    const waybillRaw = str(e.waybill, 64);
    const description = str(e.description, 1000);
    const statusRaw = str(e.status, 64);
    const timeRaw = str(e.time, 40);
    const location = str(e.location, 200);
    const origin = str(e.origin, 100);
    const destination = str(e.destination, 100);
    const carrierRaw = str(e.carrier, 32);
    const missing = (
      [
        ["waybill", waybillRaw],
        ["time", timeRaw],
        ["status", statusRaw],
        ["description", description],
      ] as const
    ).filter(([, v]) => !v);
    if (missing.length)
      return reject("INVALID_EVENT", `${missing.map(([k]) => k).join(", ")}: required non-empty string`);
    for (const [k, v] of [
      ["location", location],
      ["origin", origin],
      ["destination", destination],
      ["carrier", carrierRaw],
    ] as const) {
      if (v === false) return reject("INVALID_EVENT", `${k}: must be a string of reasonable length`);
    }
    const waybill = normaliseWaybill(waybillRaw as string);
    if (!/^[A-Z0-9]{6,32}$/.test(waybill) || !/\d{4}/.test(waybill))
      return reject("INVALID_WAYBILL", `waybill: "${String(waybillRaw).slice(0, 40)}" is not a waybill number`);
    const time = parseEventTime(timeRaw as string);
    if (!time || time.getUTCFullYear() < 2000) return reject("INVALID_TIME", "time: must be an ISO 8601 date-time");
    if (time.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return reject("TIME_IN_FUTURE", "time: is in the future");
    const status = normaliseStatus(statusRaw as string, description as string);
    if (!status) return reject("UNKNOWN_STATUS", `status: "${String(statusRaw).slice(0, 40)}" is not a known status`);
    let carrier: string | undefined;
    if (carrierRaw) {
      const upper = carrierRaw.toUpperCase();
      carrier = CARRIER_CODE.test(upper) ? upper : findCarrierMention(normaliseText(carrierRaw));
      if (!carrier) return reject("UNKNOWN_CARRIER", `carrier: "${carrierRaw}" is not a carrier code`);
    }
    const phones: (string | null)[] = [];
    for (const k of ["senderPhone", "receiverPhone"] as const) {
      const v = str(e[k], 32);
      if (v === false) return reject("INVALID_PHONE", `${k}: must be a phone number`);
      if (!v) {
        phones.push(null);
        continue;
      }
      const p = normalisePhone(v);
      if (!p) return reject("INVALID_PHONE", `${k}: must be a phone number`);
      phones.push(p);
    }
    return {
      ok: true,
      time,
      ...(carrier ? { carrier } : {}),
      row: {
        waybill,
        t: time.toISOString(),
        status,
        raw: (statusRaw as string).trim(),
        location: location || null,
        description: description as string,
        origin: origin || null,
        destination: destination || null,
        sp: phones[0] ?? null,
        rp: phones[1] ?? null,
      },
    };
  }

  /** Two statements in one transaction: upsert shipments + insert new events, then refresh the touched shipments. */
  private async write(rows: Row[]): Promise<Set<string>> {
    const json = JSON.stringify(rows);
    const rank = Prisma.raw(
      `CASE status ${Object.entries(STATUS_RANK)
        .map(([s, r]) => `WHEN '${s}' THEN ${r}`)
        .join(" ")} ELSE 0 END`,
    );
    return this.db.$transaction(async (tx) => {
      const inserted = await tx.$queryRaw<{ key: string; shipmentId: string }[]>`
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(${json}::jsonb) AS x(
            waybill text, carrier text, t text, status text, raw text, location text, description text,
            key text, origin text, destination text, sp text, rp text)
        ), ships AS (
          SELECT carrier, waybill, max(origin) AS origin, max(destination) AS destination, max(sp) AS sp, max(rp) AS rp
          FROM input GROUP BY carrier, waybill ORDER BY carrier, waybill
        ), upserted AS (
          INSERT INTO "Shipment" (id, waybill, carrier, status, origin, destination, "senderPhone", "receiverPhone", "createdAt", "updatedAt")
          SELECT gen_random_uuid(), waybill, carrier, 'pending_pickup', origin, destination, sp, rp,
                 now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM ships
          ON CONFLICT (carrier, waybill) DO UPDATE SET
            origin = COALESCE(EXCLUDED.origin, "Shipment".origin),
            destination = COALESCE(EXCLUDED.destination, "Shipment".destination),
            "senderPhone" = COALESCE(EXCLUDED."senderPhone", "Shipment"."senderPhone"),
            "receiverPhone" = COALESCE(EXCLUDED."receiverPhone", "Shipment"."receiverPhone"),
            "updatedAt" = EXCLUDED."updatedAt"
          RETURNING id, carrier, waybill
        ), inserted AS (
          INSERT INTO "TrackingEvent" (id, "shipmentId", time, status, "rawStatus", location, description, "dedupeKey", "createdAt")
          SELECT gen_random_uuid(), u.id, (i.t::timestamptz AT TIME ZONE 'UTC'), i.status, i.raw, i.location,
                 i.description, i.key, now() AT TIME ZONE 'UTC'
          FROM input i JOIN upserted u ON u.carrier = i.carrier AND u.waybill = i.waybill
          ON CONFLICT ("dedupeKey") DO NOTHING
          RETURNING "dedupeKey", "shipmentId"
        )
        SELECT "dedupeKey" AS key, "shipmentId"::text AS "shipmentId" FROM inserted`;
      const ids = [...new Set(inserted.map((r) => r.shipmentId))];
      if (ids.length) {
        const idJson = JSON.stringify(ids);
        // Status follows the newest event by event time (out-of-order pushes are common); ties go to the later stage.
        await tx.$executeRaw`
          UPDATE "Shipment" s SET
            status = l.status, "lastEventAt" = l.time, "pickedUpAt" = a.picked, "deliveredAt" = a.delivered,
            "updatedAt" = now() AT TIME ZONE 'UTC'
          FROM (
            SELECT DISTINCT ON ("shipmentId") "shipmentId", status, time FROM "TrackingEvent"
            WHERE "shipmentId" IN (SELECT value::uuid FROM jsonb_array_elements_text(${idJson}::jsonb))
            ORDER BY "shipmentId", time DESC, ${rank} DESC
          ) l JOIN (
            SELECT "shipmentId",
                   min(time) FILTER (WHERE status <> 'pending_pickup') AS picked,
                   min(time) FILTER (WHERE status = 'delivered') AS delivered
            FROM "TrackingEvent"
            WHERE "shipmentId" IN (SELECT value::uuid FROM jsonb_array_elements_text(${idJson}::jsonb))
            GROUP BY "shipmentId"
          ) a ON a."shipmentId" = l."shipmentId"
          WHERE s.id = l."shipmentId"`;
      }
      return new Set(inserted.map((r) => r.key));
    });
  }
}
