import type { Logger } from "pino";
import { auditStaff } from "../agents/audit.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { DEFAULT_TIMEZONE, isoDate, localDateOf, zonedTime } from "./business-calendar.js";
import { parseHolidayIcs } from "./holiday-ics.js";
import {
  BUILTIN_YEARS,
  type CalendarCoverage,
  calendarCoverage,
  EMPTY_HOLIDAYS,
  type HolidayEntry,
  type HolidayKind,
  type HolidayTable,
  holidayTable,
} from "./holidays.js";

/** Other instances (scale mode) reload their snapshot when one instance changes the data. */
const CHANGED_TOPIC = "calendar:holidays";
/** …and every minute in any case (a missed bus message, a change made in the database). */
const REFRESH_MS = 60_000;
const DAILY_KEY = "holidays:daily";

export interface HolidayYearSummary {
  year: number;
  source: string;
  holidays: number;
  workdays: number;
  loadedAt: string;
}

export interface Actor {
  agentId: string;
}

/** The next 09:00 in China: when the daily coverage line is logged. */
export function nextCheckAt(now: Date): Date {
  const today = localDateOf(now, DEFAULT_TIMEZONE);
  const at = zonedTime(today, 9 * 60, DEFAULT_TIMEZONE);
  return at.getTime() > now.getTime() ? at : new Date(at.getTime() + 86_400_000);
}

/**
 * The admin-loaded holiday schedules (issue 19). Clocks are computed on a hot path, so the
 * data lives in memory as one immutable snapshot (`table()`, synchronous), swapped whole after
 * every change here, when another instance announces one, and every minute.
 */
export class HolidayService {
  private snapshot: HolidayTable = EMPTY_HOLIDAYS;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => Date;
  private onChange: ((previous: HolidayTable, year: number) => Promise<unknown>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
    now?: () => Date,
  ) {
    this.now = now ?? (() => new Date());
    scheduler.handle("holidays", async () => {
      this.dailyCheck();
      await this.arm();
    });
  }

  /** Called after this instance changed the data, with the snapshot clocks were computed on until then. */
  onChanged(listener: (previous: HolidayTable, year: number) => Promise<unknown>): void {
    this.onChange = listener;
  }

  /** The current snapshot (never waits). */
  table(): HolidayTable {
    return this.snapshot;
  }

  async refresh(): Promise<void> {
    const rows = await this.db.holidayDay.findMany({ select: { year: true, date: true, kind: true, name: true } });
    this.snapshot = holidayTable(rows.map((r) => ({ ...r, kind: r.kind as HolidayKind })));
  }

  /** Loads the snapshot and keeps it fresh. */
  async start(): Promise<void> {
    await this.refresh();
    this.unsubscribe = this.bus.subscribe(CHANGED_TOPIC, () => {
      void this.refresh().catch((err) => this.log.warn({ err }, "could not reload the holiday calendar"));
    });
    this.timer = setInterval(() => {
      void this.refresh().catch((err) => this.log.warn({ err }, "could not reload the holiday calendar"));
    }, REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** How far the data reaches from today (China time). */
  coverage(): CalendarCoverage {
    return calendarCoverage(this.snapshot, isoDate(localDateOf(this.now(), DEFAULT_TIMEZONE)));
  }

  /**
   * Arms the daily coverage check (idempotent: the key is fixed, so one instance logs it). On
   * the real clock, as the scheduler runs on it: a clock pinned in the past would re-fire at once.
   */
  async arm(): Promise<void> {
    await this.scheduler.arm(DAILY_KEY, nextCheckAt(new Date()));
  }

  /** The daily log line: a warning while the data runs out or has run out. */
  dailyCheck(): CalendarCoverage {
    const c = this.coverage();
    const fields = { calendar: { status: c.status, coveredUntil: c.coveredUntil, daysLeft: c.daysLeft } };
    if (c.status === "ok") this.log.info(fields, c.message);
    else this.log.warn(fields, c.message);
    return c;
  }

  async years(): Promise<{ loaded: HolidayYearSummary[]; builtinYears: number[] }> {
    const rows = await this.db.holidayDay.findMany({ orderBy: [{ year: "asc" }, { date: "asc" }] });
    const byYear = new Map<number, HolidayYearSummary>();
    for (const r of rows) {
      const y = byYear.get(r.year) ?? {
        year: r.year,
        source: r.source,
        holidays: 0,
        workdays: 0,
        loadedAt: r.createdAt.toISOString(),
      };
      if (r.kind === "workday") y.workdays++;
      else y.holidays++;
      byYear.set(r.year, y);
    }
    return { loaded: [...byYear.values()], builtinYears: [...BUILTIN_YEARS].sort((a, b) => a - b) };
  }

  async year(year: number): Promise<{ year: number; source: string | null; days: HolidayEntry[] }> {
    const rows = await this.db.holidayDay.findMany({ where: { year }, orderBy: { date: "asc" } });
    return {
      year,
      source: rows[0]?.source ?? null,
      days: rows.map((r) => ({ date: r.date, kind: r.kind as HolidayKind, name: r.name })),
    };
  }

  /** Replaces a year's schedule (form or JSON). */
  async replaceYear(
    year: number,
    days: readonly HolidayEntry[],
    source: string,
    actor: Actor,
    action = "holidays.replace",
  ): Promise<{ year: number; source: string; days: HolidayEntry[] }> {
    const clean = checkDays(year, days);
    const previous = await this.db.$transaction(async (tx) => {
      const removed = await tx.holidayDay.deleteMany({ where: { year } });
      await tx.holidayDay.createMany({ data: clean.map((d) => ({ year, ...d, source })) });
      await auditStaff(tx, actor.agentId, {
        action,
        subjectType: "holiday_year",
        subjectId: String(year),
        data: {
          source,
          holidays: clean.filter((d) => d.kind === "holiday").length,
          workdays: clean.filter((d) => d.kind === "workday").length,
          replaced: removed.count,
        },
      });
      return removed.count;
    });
    await this.changed(year);
    this.log.info({ year, days: clean.length, replaced: previous, source }, "holiday schedule loaded");
    return { year, source, days: clean };
  }

  /** Imports a year's schedule from an iCalendar file; days of other years in the file are skipped. */
  async importIcs(
    year: number,
    ics: string,
    source: string,
    actor: Actor,
  ): Promise<{ year: number; source: string; days: HolidayEntry[]; skipped: number; problems: string[] }> {
    const parsed = parseHolidayIcs(ics);
    const inYear = parsed.days.filter((d) => d.date.startsWith(`${year}-`));
    if (!inYear.length)
      throw new AppError("HOLIDAY_ICS_INVALID", `The file has no holiday or working day in ${year}`, {
        problems: parsed.problems,
        daysInFile: parsed.days.length,
      });
    const saved = await this.replaceYear(year, inYear, source, actor, "holidays.import_ics");
    return { ...saved, skipped: parsed.days.length - inYear.length, problems: parsed.problems };
  }

  /** Removes a year's loaded schedule (chinese-days or Monday–Friday applies again). */
  async deleteYear(year: number, actor: Actor): Promise<{ deleted: number }> {
    const deleted = await this.db.$transaction(async (tx) => {
      const removed = await tx.holidayDay.deleteMany({ where: { year } });
      if (removed.count)
        await auditStaff(tx, actor.agentId, {
          action: "holidays.delete",
          subjectType: "holiday_year",
          subjectId: String(year),
          data: { removed: removed.count },
        });
      return removed.count;
    });
    if (!deleted) throw new AppError("NOT_FOUND", `No holiday schedule loaded for ${year}`);
    await this.changed(year);
    return { deleted };
  }

  private async changed(year: number): Promise<void> {
    const previous = this.snapshot;
    await this.refresh();
    await this.bus
      .publish(CHANGED_TOPIC, { type: "holidays.changed" })
      .catch((err) =>
        this.log.warn({ err }, "could not announce the holiday change; other instances reload within a minute"),
      );
    // Live clocks move to the new data (SlaService.recalculate); the change itself is saved.
    await this.onChange?.(previous, year).catch((err) =>
      this.log.error({ err }, "SLA clocks could not be recalculated after the holiday change"),
    );
  }
}

/**
 * A schedule must be about its year: each date real and in the year, or in the neighbouring
 * December/January (a notice can move a day across the new year); one entry per date.
 */
function checkDays(year: number, days: readonly HolidayEntry[]): HolidayEntry[] {
  const issues: string[] = [];
  const byDate = new Map<string, HolidayEntry>();
  for (const [i, d] of days.entries()) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d.date);
    const t = m ? new Date(`${d.date}T00:00:00Z`) : undefined;
    if (!m || !t || Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== d.date) {
      issues.push(`days[${i}].date: ${d.date} is not a calendar date`);
      continue;
    }
    const y = Number(m[1]);
    const month = Number(m[2]);
    if (!(y === year || (y === year - 1 && month === 12) || (y === year + 1 && month === 1))) {
      issues.push(`days[${i}].date: ${d.date} is not in ${year}`);
      continue;
    }
    const seen = byDate.get(d.date);
    if (seen && seen.kind !== d.kind) issues.push(`days[${i}].date: ${d.date} is listed as both holiday and workday`);
    byDate.set(d.date, {
      date: d.date,
      kind: d.kind,
      name: d.name.trim() || (d.kind === "workday" ? "调休上班" : "假日"),
    });
  }
  if (!byDate.size && !issues.length) issues.push("days: at least one day is needed");
  if (issues.length) throw new AppError("VALIDATION_FAILED", issues.slice(0, 5).join("; "), { issues });
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}
