/**
 * The outlet (网点) import file (issue 23): pure parsing and checking, no database. csv-parse reads
 * the CSV; every row is checked and each fault reported with its line, column and a stable code, so
 * an admin can fix the file and send it again (the import stores nothing unless every row is good).
 *
 * Columns (header names in English or Chinese, any order): code 网点编码, name 网点名称,
 * regions 地区 (GB/T 2260 codes or names, separated by spaces, ; 、 or |), group 客服组 (an agent
 * group's code), month 月份 (YYYY-MM) and shipments 件量 (parcels that month). One outlet may take
 * several rows, one per month; its name, regions and group are read from its first row that has them.
 */
import { CsvError, parse } from "csv-parse/sync";
import { isStorableText } from "../http/storable-text.js";
import { placeFromInput } from "../places/divisions.js";

export const OUTLET_COLUMNS = ["code", "name", "regions", "group", "month", "shipments"] as const;
type Column = (typeof OUTLET_COLUMNS)[number];

const HEADER_NAMES: Record<Column, readonly string[]> = {
  code: ["code", "outlet_code", "网点编码", "网点代码", "编码"],
  name: ["name", "outlet_name", "网点名称", "名称", "网点"],
  regions: ["regions", "region", "region_codes", "地区", "区域", "行政区划"],
  group: ["group", "group_code", "客服组", "处理组"],
  month: ["month", "period", "月份"],
  shipments: ["shipments", "parcels", "件量", "业务量"],
};

/** Row faults; the line is the CSV line the record starts on (the header is line 1). */
export const ROW_ERROR_CODES = [
  "COLUMN_COUNT",
  "TEXT_UNSTORABLE",
  "ENCODING_INVALID",
  "CODE_REQUIRED",
  "CODE_INVALID",
  "NAME_REQUIRED",
  "NAME_INVALID",
  "NAME_CONFLICT",
  "REGION_UNKNOWN",
  "GROUP_UNKNOWN",
  "MONTH_INVALID",
  "SHIPMENTS_INVALID",
  "SHIPMENTS_WITHOUT_MONTH",
  "DUPLICATE_MONTH",
] as const;
export type RowErrorCode = (typeof ROW_ERROR_CODES)[number];

export interface RowError {
  line: number;
  column: Column | null;
  code: RowErrorCode;
  message: string;
  messageZh: string;
}

/** Faults of the file as a whole (nothing row by row can be said). */
export class OutletFileError extends Error {
  constructor(
    readonly code: "CSV_MALFORMED" | "HEADER_MISSING" | "NO_ROWS" | "TOO_MANY_ROWS",
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "OutletFileError";
  }
}

export interface OutletRow {
  code: string;
  name: string;
  regionCodes: string[];
  groupCode: string | null;
  /** Shipments per month, keyed "YYYY-MM". */
  shipments: Map<string, number>;
}

export const MAX_ROWS = 50_000;
/** Larger than any outlet's month (and below PostgreSQL's int4). */
export const MAX_SHIPMENTS = 1_000_000_000;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const MONTH = /^(\d{4})-(\d{1,2})$/;
/** Control characters other than tab and line breaks: invisible in the console and the CSV exports. */
function hasControl(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

const zh: Record<RowErrorCode, string> = {
  COLUMN_COUNT: "列数与表头不符",
  TEXT_UNSTORABLE: "含有无法保存的字符（U+0000 或不成对的代理项）",
  ENCODING_INVALID: "含有无法识别的字节（文件不是 UTF-8？请选 GBK 编码再试）",
  CODE_REQUIRED: "缺少网点编码",
  CODE_INVALID: "网点编码只能是 1–40 位字母、数字或 _ . -",
  NAME_REQUIRED: "缺少网点名称",
  NAME_INVALID: "网点名称过长（最多 100 字）或含控制字符",
  NAME_CONFLICT: "同一网点编码在不同行的名称不一致",
  REGION_UNKNOWN: "地区不是有效的行政区划代码或名称",
  GROUP_UNKNOWN: "没有这个客服组",
  MONTH_INVALID: "月份应为 YYYY-MM",
  SHIPMENTS_INVALID: `件量应为 0–${MAX_SHIPMENTS} 的整数`,
  SHIPMENTS_WITHOUT_MONTH: "有件量但没有月份",
  DUPLICATE_MONTH: "同一网点同一月份出现两次",
};

/** Which known group codes exist is the caller's knowledge; the rest is checked here. */
export function parseOutletCsv(
  text: string,
  knownGroups: ReadonlySet<string>,
): { outlets: OutletRow[]; errors: RowError[]; rows: number } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new OutletFileError("CSV_MALFORMED", `Not a well-formed CSV file: ${err.message}`, line);
    }
    throw err;
  }
  const [header, ...body] = records;
  if (!header) throw new OutletFileError("NO_ROWS", "The file is empty");
  const index = headerIndex(header.record);
  if (body.length === 0) throw new OutletFileError("NO_ROWS", "The file has a header and no rows");
  if (body.length > MAX_ROWS) throw new OutletFileError("TOO_MANY_ROWS", `At most ${MAX_ROWS} rows per file`);

  const errors: RowError[] = [];
  const byCode = new Map<string, OutletRow & { nameLine: number }>();
  for (const { record, info } of body) {
    // info.lines is the line the record ends on; a record spanning lines starts earlier.
    const line = info.lines - countNewlines(record);
    const fail = (column: Column | null, code: RowErrorCode, message: string) =>
      errors.push({ line, column, code, message, messageZh: zh[code] });
    if (record.length !== header.record.length) {
      fail(null, "COLUMN_COUNT", `${record.length} fields, the header has ${header.record.length}`);
      continue;
    }
    const cell = (c: Column): string => (index[c] === undefined ? "" : (record[index[c]] ?? ""));
    let bad = false;
    for (const c of OUTLET_COLUMNS) {
      const v = cell(c);
      if (!isStorableText(v)) {
        fail(c, "TEXT_UNSTORABLE", `${c}: contains U+0000 or an unpaired UTF-16 surrogate`);
        bad = true;
      } else if (v.includes("\uFFFD")) {
        fail(c, "ENCODING_INVALID", `${c}: bytes that are not UTF-8 (send charset=gb18030 for a GBK file)`);
        bad = true;
      }
    }
    if (bad) continue;

    const code = cell("code");
    if (!code) fail("code", "CODE_REQUIRED", "code is empty");
    else if (!CODE.test(code))
      fail("code", "CODE_INVALID", `code "${code.slice(0, 60)}" is not 1–40 letters, digits, _ . -`);
    const name = cell("name");
    if (name && (name.length > 100 || hasControl(name)))
      fail("name", "NAME_INVALID", "name is longer than 100 characters or holds control characters");
    const regionCodes: string[] = [];
    for (const token of cell("regions")
      .split(/[\s;；,，、|]+/)
      .filter(Boolean)) {
      const place = token.length <= 40 ? placeFromInput(token) : null;
      if (!place) fail("regions", "REGION_UNKNOWN", `"${token.slice(0, 40)}" is no GB/T 2260 province or city`);
      else regionCodes.push(place.cityCode ?? place.provinceCode);
    }
    const group = cell("group");
    if (group && !knownGroups.has(group)) fail("group", "GROUP_UNKNOWN", `no agent group "${group.slice(0, 40)}"`);
    const monthText = cell("month");
    const month = monthText ? parseMonth(monthText) : null;
    if (monthText && !month) fail("month", "MONTH_INVALID", `month "${monthText.slice(0, 20)}" is not YYYY-MM`);
    const shipmentsText = cell("shipments");
    const shipments = shipmentsText ? parseCount(shipmentsText) : null;
    if (shipmentsText && shipments === null)
      fail(
        "shipments",
        "SHIPMENTS_INVALID",
        `shipments "${shipmentsText.slice(0, 30)}" is not a whole number 0–${MAX_SHIPMENTS}`,
      );
    if (shipmentsText && !monthText) fail("month", "SHIPMENTS_WITHOUT_MONTH", "shipments need a month");
    if (errors.length && errors[errors.length - 1]!.line === line) continue;

    let outlet = byCode.get(code);
    if (!outlet) {
      if (!name) {
        fail("name", "NAME_REQUIRED", "name is empty on the outlet's first row");
        continue;
      }
      outlet = { code, name, regionCodes: [], groupCode: null, shipments: new Map(), nameLine: line };
      byCode.set(code, outlet);
    } else if (name && name !== outlet.name) {
      fail("name", "NAME_CONFLICT", `name "${name}" differs from "${outlet.name}" on line ${outlet.nameLine}`);
      continue;
    }
    for (const r of regionCodes) if (!outlet.regionCodes.includes(r)) outlet.regionCodes.push(r);
    outlet.groupCode ??= group || null;
    if (month && shipments !== null) {
      if (outlet.shipments.has(month)) {
        fail("month", "DUPLICATE_MONTH", `${code} ${month} appears twice`);
        continue;
      }
      outlet.shipments.set(month, shipments);
    }
  }
  const outlets = [...byCode.values()].map(({ nameLine: _l, ...o }) => o);
  return { outlets, errors, rows: body.length };
}

function headerIndex(names: readonly string[]): Partial<Record<Column, number>> {
  const out: Partial<Record<Column, number>> = {};
  names.forEach((raw, i) => {
    const n = raw.trim().toLowerCase();
    for (const c of OUTLET_COLUMNS) if (HEADER_NAMES[c].includes(n) && out[c] === undefined) out[c] = i;
  });
  const missing = (["code", "name"] as const).filter((c) => out[c] === undefined);
  if (missing.length)
    throw new OutletFileError(
      "HEADER_MISSING",
      `The header must name the columns ${missing.join(", ")} (e.g. code,name,regions,group,month,shipments)`,
      1,
    );
  return out;
}

/** "2026-11" → "2026-11" (month 1–12, years 2000–2100); null otherwise. */
export function parseMonth(text: string): string | null {
  const m = MONTH.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12) return null;
  return `${y}-${String(mo).padStart(2, "0")}`;
}

/** Digits only (thousands separators allowed), 0..MAX_SHIPMENTS; null otherwise. */
export function parseCount(text: string): number | null {
  const digits = text.replace(/[,，_]/g, "");
  if (!/^\d{1,10}$/.test(digits)) return null;
  const v = Number(digits);
  return v <= MAX_SHIPMENTS ? v : null;
}

function countNewlines(record: readonly string[]): number {
  let n = 0;
  for (const f of record) for (const ch of f) if (ch === "\n") n++;
  return n;
}
