/**
 * Ticket numbers `YYYYMM-NNNNN` (001 第八条: year, month, serial; the serial restarts every
 * month). The month is taken in the company's zone (Asia/Shanghai), not the server's.
 */
import { DEFAULT_TIMEZONE, zonedParts } from "../sla/business-calendar.js";

export const TICKET_NUMBER_RE = /^(\d{6})-(\d{5,})$/;

/** The numbering period (YYYYMM) an instant falls in. */
export function periodOf(instant: Date, timezone = DEFAULT_TIMEZONE): string {
  const p = zonedParts(instant, timezone);
  return `${p.y}${String(p.m).padStart(2, "0")}`;
}

/** 5 digits, more only past 99,999 tickets in one month (still unique, still sortable within a width). */
export function formatTicketNumber(period: string, serial: number): string {
  if (!/^\d{6}$/.test(period)) throw new Error(`period must be YYYYMM, got ${period}`);
  if (!Number.isInteger(serial) || serial < 1) throw new Error(`serial must be a positive integer, got ${serial}`);
  return `${period}-${String(serial).padStart(5, "0")}`;
}

export function isTicketNumber(value: string): boolean {
  return TICKET_NUMBER_RE.test(value);
}
