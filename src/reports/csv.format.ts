import { stringify } from "csv-stringify/sync";
import { maskAddressesInText, maskPhonesInText } from "../logger.js";

type Cell = string | number | null | undefined;

/** A cell that starts like a formula is prefixed with ' so a spreadsheet shows it as text (customer text ends up in these files). */
function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One RFC 4180 record (CRLF-terminated), quoted where needed by csv-stringify. */
export function csvLine(cells: readonly Cell[]): string {
  return stringify([cells.map((c) => c ?? null)], {
    record_delimiter: "\r\n",
    // A lone \n or \r inside a cell must be quoted too (csv-stringify only looks for "\r\n").
    quoted_match: /[\r\n]/,
    cast: { string: defuse },
  });
}

const CHINA_OFFSET_MS = 8 * 3_600_000; // China has one time zone and no DST

/** The offset every time in an export is written in, for the header: `created_at (UTC+08:00)`. */
export const EXPORT_TIME_ZONE = "UTC+08:00";

/** A time column's header names its offset, so nobody reads Beijing time as UTC. */
export function timeColumn(name: string): string {
  return `${name} (${EXPORT_TIME_ZONE})`;
}

/** Beijing time with the offset written: `2026-11-30 07:24:30 +08:00` (what operators read in China). */
export function beijingTime(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  const at = typeof d === "string" ? new Date(d) : d;
  const local = new Date(at.getTime() + CHINA_OFFSET_MS).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} +08:00`;
}

/**
 * Free text (descriptions, notes, comments) with any mobile number masked like contact_phone and
 * the house number, building and room of any address masked (maskAddressesInText).
 */
export function freeText(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : maskAddressesInText(maskPhonesInText(text));
}
