/**
 * Outlets (网点) as data an admin maintains (issue 23): the CSV import (all or nothing), the list,
 * one outlet's changes, and which outlet a parcel's tracking names.
 */
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import { placeFromInput, placeOf } from "../places/divisions.js";
import { OutletFileError, parseOutletCsv } from "./outlet.csv.js";
import { matchOutlet } from "./outlet.match.js";

export interface OutletView {
  code: string;
  name: string;
  regions: { code: string; name: string }[];
  groupCode: string | null;
  /** Parcels per month ("YYYY-MM"), newest first. */
  shipments: { month: string; shipments: number }[];
}

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  months: number;
}

/** The charsets an import may be sent in (Excel in China saves CSV as GBK). */
const CHARSETS: Record<string, string> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  gbk: "gb18030",
  gb2312: "gb18030",
  gb18030: "gb18030",
};

export function regionName(code: string): string {
  const province = `${code.slice(0, 2)}0000`;
  const p = placeOf(province, code === province ? null : code);
  if (!p) return code;
  return p.city && p.city !== p.province ? `${p.province}${p.city}` : p.province;
}

export class OutletService {
  constructor(private readonly db: Db) {}

  /**
   * Imports an outlet file: every row checked first; any bad row → OUTLET_IMPORT_INVALID with each
   * row's fault and nothing stored; otherwise outlets are created or updated (an empty regions or
   * group cell keeps what the outlet had) and monthly shipments set, in one transaction.
   */
  async importCsv(bytes: Buffer, charset: string | undefined, agentId: string): Promise<ImportResult> {
    const text = decode(bytes, charset);
    const groups = new Set((await this.db.group.findMany({ select: { code: true } })).map((g) => g.code));
    let parsed: ReturnType<typeof parseOutletCsv>;
    try {
      parsed = parseOutletCsv(text, groups);
    } catch (err) {
      if (err instanceof OutletFileError)
        throw new AppError("OUTLET_FILE_INVALID", err.message, {
          reason: err.code,
          ...(err.line ? { line: err.line } : {}),
        });
      throw err;
    }
    if (parsed.errors.length)
      throw new AppError("OUTLET_IMPORT_INVALID", `${parsed.errors.length} bad row(s); nothing was imported`, {
        errors: parsed.errors.slice(0, 500),
        total: parsed.errors.length,
      });
    const outlets = JSON.stringify(
      parsed.outlets.map((o) => ({ code: o.code, name: o.name, regions: o.regionCodes, grp: o.groupCode })),
    );
    const months = JSON.stringify(
      parsed.outlets.flatMap((o) => [...o.shipments].map(([m, n]) => ({ code: o.code, month: `${m}-01`, n }))),
    );
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ inserted: boolean }[]>`
        INSERT INTO "Outlet" (code, name, "regionCodes", "groupCode", "createdAt", "updatedAt")
        SELECT x.code, x.name, ARRAY(SELECT jsonb_array_elements_text(x.regions)), x.grp,
          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
        FROM jsonb_to_recordset(${outlets}::jsonb) AS x(code text, name text, regions jsonb, grp text)
        ON CONFLICT (code) DO UPDATE SET
          name = EXCLUDED.name,
          "regionCodes" = CASE WHEN cardinality(EXCLUDED."regionCodes") = 0 THEN "Outlet"."regionCodes"
                               ELSE EXCLUDED."regionCodes" END,
          "groupCode" = COALESCE(EXCLUDED."groupCode", "Outlet"."groupCode"),
          "updatedAt" = EXCLUDED."updatedAt"
        RETURNING (xmax = 0) AS inserted`;
      const m = await tx.$executeRaw`
        INSERT INTO "OutletShipments" ("outletCode", month, shipments)
        SELECT x.code, x.month::date, x.n FROM jsonb_to_recordset(${months}::jsonb) AS x(code text, month text, n int)
        ON CONFLICT ("outletCode", month) DO UPDATE SET shipments = EXCLUDED.shipments`;
      // Names decide which tracking events are an outlet's: its tracked parcels are counted afresh.
      await tx.trackedShipmentsRefresh.deleteMany({});
      const created = rows.filter((r) => r.inserted).length;
      const result = { rows: parsed.rows, created, updated: rows.length - created, months: m };
      await tx.auditEvent.create({
        data: { actorType: "agent", actorId: agentId, action: "outlet.import", subjectType: "outlet", data: result },
      });
      return result;
    });
  }

  async list(q: { search?: string | undefined; page: number; pageSize: number }): Promise<{
    total: number;
    outlets: OutletView[];
  }> {
    const where = q.search
      ? {
          OR: [{ code: { contains: q.search } }, { name: { contains: q.search } }, { regionCodes: { has: q.search } }],
        }
      : {};
    const [total, rows] = await Promise.all([
      this.db.outlet.count({ where }),
      this.db.outlet.findMany({
        where,
        orderBy: { code: "asc" },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
        include: { shipments: { orderBy: { month: "desc" }, take: 12 } },
      }),
    ]);
    return { total, outlets: rows.map(toView) };
  }

  async get(code: string): Promise<OutletView> {
    const row = await this.db.outlet.findUnique({
      where: { code },
      include: { shipments: { orderBy: { month: "desc" }, take: 12 } },
    });
    if (!row) throw new AppError("OUTLET_NOT_FOUND", `No outlet "${code}"`);
    return toView(row);
  }

  /** An admin changes one outlet's name, regions or agent group (null: ordinary routing). */
  async update(
    code: string,
    body: { name?: string | undefined; regions?: string[] | undefined; groupCode?: string | null | undefined },
    agentId: string,
  ): Promise<OutletView> {
    const existing = await this.db.outlet.findUnique({ where: { code }, select: { code: true } });
    if (!existing) throw new AppError("OUTLET_NOT_FOUND", `No outlet "${code}"`);
    if (body.groupCode && !(await this.db.group.findUnique({ where: { code: body.groupCode } })))
      throw new AppError("GROUP_UNKNOWN", `No agent group "${body.groupCode}"`);
    let regionCodes: string[] | undefined;
    if (body.regions) {
      regionCodes = [];
      for (const r of body.regions) {
        const p = placeFromInput(r);
        if (!p) throw new AppError("PLACE_UNKNOWN", `No province or city in "${r}"`, { place: r });
        regionCodes.push(p.cityCode ?? p.provinceCode);
      }
    }
    await this.db.$transaction(async (tx) => {
      await tx.outlet.update({
        where: { code },
        data: {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(regionCodes ? { regionCodes } : {}),
          ...(body.groupCode !== undefined ? { groupCode: body.groupCode } : {}),
        },
      });
      if (body.name !== undefined || regionCodes) await tx.trackedShipmentsRefresh.deleteMany({});
      await tx.auditEvent.create({
        data: {
          actorType: "agent",
          actorId: agentId,
          action: "outlet.update",
          subjectType: "outlet",
          subjectId: code,
          data: { ...body, ...(regionCodes ? { regions: regionCodes } : {}) },
        },
      });
    });
    return this.get(code);
  }
}

function toView(row: {
  code: string;
  name: string;
  regionCodes: string[];
  groupCode: string | null;
  shipments: { month: Date; shipments: number }[];
}): OutletView {
  return {
    code: row.code,
    name: row.name,
    regions: row.regionCodes.map((c) => ({ code: c, name: regionName(c) })),
    groupCode: row.groupCode,
    shipments: row.shipments.map((s) => ({ month: s.month.toISOString().slice(0, 7), shipments: s.shipments })),
  };
}

function decode(bytes: Buffer, charset: string | undefined): string {
  const name = CHARSETS[(charset ?? "utf-8").toLowerCase()];
  if (!name)
    throw new AppError("OUTLET_FILE_INVALID", `Charset "${charset}" is not supported (utf-8, gbk, gb18030)`, {
      reason: "CHARSET_UNSUPPORTED",
    });
  // Not fatal: bytes that are not of the charset become U+FFFD, reported row by row (ENCODING_INVALID).
  return new TextDecoder(name).decode(bytes);
}

/**
 * The outlet a parcel's tracking names (issue 23): the newest event whose location, or a 【…】 in
 * its description, names an outlet (matchOutlet: the code or name exactly, or a location that says
 * more than the outlet's name, "杭州西湖区文三路网点" → 杭州西湖网点). Null when none does, or when the
 * newest event that names one is ambiguous (an older event's outlet would be another place).
 */
export async function outletFromTracking(
  db: Db,
  events: readonly { location: string | null; description: string }[],
): Promise<{ code: string; groupCode: string | null } | null> {
  const perEvent = events.map((e) => {
    const names = [e.location?.trim() ?? ""];
    for (const m of e.description.matchAll(/【([^】]{1,100})】/g)) names.push(m[1]!.trim());
    return names.filter(Boolean);
  });
  if (!perEvent.some((n) => n.length)) return null;
  const outlets = await db.outlet.findMany({ select: { code: true, name: true, regionCodes: true, groupCode: true } });
  if (!outlets.length) return null;
  for (const names of perEvent)
    for (const n of names) {
      const m = matchOutlet(n, outlets);
      if (m.kind === "ambiguous") return null;
      if (m.kind === "match") return { code: m.outlet.code, groupCode: m.outlet.groupCode };
    }
  return null;
}

/**
 * The outlet an agent names (issue 23): its code, its name, or a part of its name that fits one
 * outlet only ("西湖网点" → 330106001). Null for null or ""; 400 OUTLET_UNKNOWN when none fits,
 * OUTLET_AMBIGUOUS (with `details.candidates`) when several do.
 */
export async function outletFromInput(db: Db, input: string | null): Promise<string | null> {
  const text = input?.trim() ?? "";
  if (!text) return null;
  const exact = await db.outlet.findUnique({ where: { code: text }, select: { code: true } });
  if (exact) return exact.code;
  const outlets = await db.outlet.findMany({ select: { code: true, name: true, regionCodes: true } });
  const m = matchOutlet(text, outlets, { typed: true });
  if (m.kind === "match") return m.outlet.code;
  if (m.kind === "ambiguous")
    throw new AppError("OUTLET_AMBIGUOUS", `"${text}" fits ${m.candidates.length} outlets`, {
      outlet: text,
      candidates: m.candidates.slice(0, 20).map((o) => ({ code: o.code, name: o.name })),
    });
  throw new AppError("OUTLET_UNKNOWN", `No outlet "${text}"`, { outlet: text });
}
