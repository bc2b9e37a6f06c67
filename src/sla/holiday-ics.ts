/**
 * Reads a year's holiday schedule from an iCalendar file (RFC 5545, parsed by ical.js): the
 * calendars published for China's public holidays mark each day off or 调休 working day as an
 * all-day event. An event is a make-up working day when Apple's X-APPLE-SPECIAL-DAY says
 * ALTERNATE-WORKDAY or its summary says 班 / 上班 / 补班 / workday; otherwise a holiday. A
 * multi-day event covers DTSTART up to (not including) DTEND.
 */
import ICAL from "ical.js";
import type { HolidayEntry } from "./holidays.js";

export interface IcsResult {
  days: HolidayEntry[];
  /** Events that could not be read (no date, or a time-of-day event), with the reason. */
  problems: string[];
}

const WORKDAY = /[（(]\s*班\s*[)）]|补班|上班|^\s*班\s*$|workday|working day/i;
/** No official holiday lasts longer; a longer event is a mistake (or not a holiday calendar). */
const MAX_EVENT_DAYS = 31;

export function parseHolidayIcs(text: string): IcsResult {
  let root: ICAL.Component;
  try {
    // ical.js returns [] for blank text and a list of components for several VCALENDARs: either
    // made Component throw later (a 500 on the import route), so only one calendar is read.
    const parsed: unknown = ICAL.parse(text);
    if (!Array.isArray(parsed) || typeof parsed[0] !== "string") throw new Error("expected one VCALENDAR");
    root = new ICAL.Component(parsed as unknown[]);
  } catch (err) {
    return { days: [], problems: [`not an iCalendar file: ${(err as Error).message}`] };
  }
  const days: HolidayEntry[] = [];
  const problems: string[] = [];
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const summary = String(vevent.getFirstPropertyValue("summary") ?? "").trim();
    let start: ICAL.Time | null;
    let end: ICAL.Time | null;
    try {
      // ical.js parses a date lazily: a malformed DTSTART or DTEND ("abc", "x") throws here.
      start = event.startDate;
      end = event.endDate;
    } catch (err) {
      problems.push(`${summary || "event"}: unreadable date (${(err as Error).message})`);
      continue;
    }
    if (!start) {
      problems.push(`${summary || "event"}: no DTSTART`);
      continue;
    }
    if (!start.isDate) {
      problems.push(`${summary || "event"}: not an all-day event`);
      continue;
    }
    const special = String(vevent.getFirstPropertyValue("x-apple-special-day") ?? "").toUpperCase();
    const description = String(vevent.getFirstPropertyValue("description") ?? "").trim();
    const kind =
      special === "ALTERNATE-WORKDAY" || WORKDAY.test(summary) || WORKDAY.test(description) ? "workday" : "holiday";
    const name = summary.replace(/[（(]\s*[休班]\s*[)）]/g, "").trim() || (kind === "workday" ? "调休上班" : "假日");
    const first = Date.UTC(start.year, start.month - 1, start.day);
    const last = end?.isDate ? Date.UTC(end.year, end.month - 1, end.day) : first + 86_400_000;
    const count = Math.max(1, Math.round((last - first) / 86_400_000));
    if (count > MAX_EVENT_DAYS) {
      problems.push(`${summary || "event"}: ${count} days is too long for a holiday`);
      continue;
    }
    for (let i = 0; i < count; i++)
      days.push({ date: new Date(first + i * 86_400_000).toISOString().slice(0, 10), kind, name });
  }
  return { days, problems };
}
