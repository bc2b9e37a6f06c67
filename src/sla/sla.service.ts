import { createHmac } from "node:crypto";
import type { Logger } from "pino";
import type { Database, Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { Prisma, SlaClock } from "../generated/prisma/client.js";
import type { EventBus } from "../realtime/event-bus.js";
import { AGENTS_TOPIC } from "../realtime/topics.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import {
  CALENDAR_24X7,
  CALENDAR_BUSINESS,
  type CalendarMode,
  type CalendarSpec,
  validateCalendar,
} from "./business-calendar.js";
import type { HolidayTable } from "./holidays.js";
import {
  type ClockKind,
  type ClockState,
  type ClockTimes,
  clockKindsFor,
  defaultPolicies,
  LOCKED_CLOCK_KINDS,
  meetClock,
  type PolicySpec,
  type PolicySubject,
  pauseClock,
  recalculateClock,
  resumeClock,
  selectPolicy,
  startClock,
  stopClock,
} from "./sla-policy.js";

type Tx = Prisma.TransactionClient;

export interface SlaOptions {
  /** Share of a clock's time at which it warns (SLA_WARN_RATIO, default 0.8) for seeded policies. */
  warnRatio: number;
  /** The driver: a trigger's whole change is one statement on it (FIRE_SQL). */
  sql: Pick<Database, "query">;
  webhookUrl?: string | undefined;
  webhookSecret?: string | undefined;
  /** Injectable clock for tests. */
  now?: () => Date;
  /** The holiday snapshot business calendars count on (HolidayService.table). */
  holidays?: () => HolidayTable;
}

/**
 * Clocks that count from another moment than now or end at a given time (issue 21: a 12305
 * transfer counts from the regulator's transfer and ends at the regulator's deadline).
 */
export interface ClockStart {
  startedAt?: Partial<Record<ClockKind, Date>>;
  dueAt?: Partial<Record<ClockKind, Date>>;
}

/** A scheduler change to make once the transaction that decided it has committed. */
export interface ArmRequest {
  clockId: string;
  at: Date | null;
}

export interface SlaClockDto {
  id: string;
  kind: string;
  policy: string;
  calendarId: string;
  targetMinutes: number;
  startedAt: string;
  dueAt: string;
  /** Amber from here on (the policy's warning ratio on the clock's calendar). */
  warnAt: string;
  pausedMs: number;
  state: string;
  warnedAt?: string;
  metAt?: string;
  breachedAt?: string;
  /** Computed Monday–Friday on a year without holiday data (issue 19). */
  calendarFallback: boolean;
}

export type SlaNotice = "sla.warning" | "sla.breached";

/** Under load, wait for a pooled connection rather than fail the change (Prisma's default is 2 s). */
export const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

const WEBHOOK_GIVE_UP_MS = 24 * 3_600_000;

/**
 * The triggers of many clocks in one statement (issue 19: embedded mode fires everything a poll
 * claimed at once; one trigger is a batch of one). Each running clock among $1 whose warning
 * is due is warned, and breached when its due time has passed too: a warning whose breach is
 * also due is still recorded, before the breach. A breach raises the ticket's priority one
 * level (escalation, domain.md), once per breach: two clocks of one ticket breaching in one
 * batch raise it twice, and each breach event says which step it took. The clock rows are
 * locked first and re-read (a concurrent pause, reply or trigger wins or waits), then the
 * tickets in id order, so concurrent batches cannot deadlock on them; the state conditions
 * make a duplicate or concurrent trigger act at most once. Running clocks not due yet come
 * back as `wait` with their next fire time (an early or stale trigger re-arms the real one).
 * $1 clock ids, $2 now (ISO, UTC).
 */
const FIRE_MANY_SQL = `
  WITH cand AS (
    SELECT c.id, c."ticketId", c.kind, c."dueAt", c."warnAt", c."nextFireAt",
           (c."warnedAt" IS NULL AND c."warnAt" < c."dueAt" AND c."warnAt" <= ($2::timestamptz AT TIME ZONE 'UTC')) AS warn,
           (c."dueAt" <= ($2::timestamptz AT TIME ZONE 'UTC')) AS breach
    FROM "SlaClock" c WHERE c.id = ANY($1::uuid[]) AND c.state = 'running'
    ORDER BY c.id FOR UPDATE),
  won AS (
    UPDATE "SlaClock" c SET
      "warnedAt" = CASE WHEN cand.warn THEN ($2::timestamptz AT TIME ZONE 'UTC') ELSE c."warnedAt" END,
      state = CASE WHEN cand.breach THEN 'breached' ELSE c.state END,
      "breachedAt" = CASE WHEN cand.breach THEN ($2::timestamptz AT TIME ZONE 'UTC') ELSE c."breachedAt" END,
      "nextFireAt" = CASE WHEN cand.breach THEN NULL ELSE c."dueAt" END
    FROM cand WHERE c.id = cand.id AND (cand.warn OR cand.breach)
    RETURNING c.id, c."ticketId", c.kind, c."dueAt", c."warnAt", cand.warn, cand.breach),
  hits AS (
    SELECT won.id, won."ticketId", row_number() OVER (PARTITION BY won."ticketId" ORDER BY won.kind, won.id) AS k
    FROM won WHERE won.breach),
  cur AS (
    SELECT t.id, CASE t.priority WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END AS lvl
    FROM "Ticket" t WHERE t.id IN (SELECT "ticketId" FROM hits)
    ORDER BY t.id FOR UPDATE),
  raised AS (
    UPDATE "Ticket" t SET priority = (ARRAY['normal', 'high', 'urgent'])[LEAST(3, cur.lvl + h.n)]
    FROM cur JOIN (SELECT "ticketId", count(*)::int AS n FROM hits GROUP BY 1) h ON h."ticketId" = cur.id
    WHERE t.id = cur.id AND cur.lvl < 3
    RETURNING t.id, t.priority),
  fired AS (
    SELECT won.*, 'sla.warning' AS type, 1 AS seq FROM won WHERE won.warn
    UNION ALL
    SELECT won.*, 'sla.breached', 2 FROM won WHERE won.breach),
  ev AS (
    INSERT INTO "TicketEvent" ("ticketId", at, "actorType", type, data)
    SELECT f."ticketId", (now() AT TIME ZONE 'UTC'), 'system', f.type,
           jsonb_build_object('clockId', f.id, 'kind', f.kind, 'dueAt', to_char(f."dueAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           || CASE WHEN f.type = 'sla.breached' AND cur.lvl + h.k <= 3 THEN jsonb_build_object(
                'priorityFrom', (ARRAY['normal', 'high', 'urgent'])[cur.lvl + h.k - 1],
                'priorityTo', (ARRAY['normal', 'high', 'urgent'])[cur.lvl + h.k]) ELSE '{}'::jsonb END
    FROM fired f LEFT JOIN hits h ON h.id = f.id AND f.type = 'sla.breached' LEFT JOIN cur ON cur.id = f."ticketId"
    ORDER BY f.seq, f.kind, f.id
    RETURNING id, type, (data->>'clockId')::uuid AS "clockId")
  SELECT ev.id::text AS "eventId", ev.type, won.id::text AS "clockId", won.kind, won.breach,
         (EXTRACT(EPOCH FROM won."dueAt") * 1000)::float8 AS "dueAt",
         (EXTRACT(EPOCH FROM won."warnAt") * 1000)::float8 AS "warnAt",
         t.number, COALESCE(raised.priority, t.priority) AS priority, t."groupCode", t."assigneeId", t.category
  FROM ev JOIN won ON won.id = ev."clockId" JOIN "Ticket" t ON t.id = won."ticketId"
  LEFT JOIN raised ON raised.id = t.id
  UNION ALL
  SELECT NULL, 'wait', cand.id::text, cand.kind, false, (EXTRACT(EPOCH FROM cand."nextFireAt") * 1000)::float8,
         NULL, NULL, NULL, NULL, NULL, NULL
  FROM cand WHERE NOT cand.warn AND NOT cand.breach AND cand."nextFireAt" IS NOT NULL`;

interface FiredRow {
  eventId: string | null;
  type: SlaNotice | "wait";
  clockId: string;
  kind: string;
  breach: boolean;
  /** Epoch ms; for `wait`, the clock's next fire time. */
  dueAt: number;
  warnAt: number | null;
  number: string | null;
  priority: string | null;
  groupCode: string | null;
  assigneeId: string | null;
  category: string | null;
}

/**
 * SLA clocks: started with a ticket, paused while it waits on the customer, met by the
 * agent's reply or the resolution, warned and breached by scheduler triggers. The SlaClock
 * row decides: a trigger re-reads it and changes it with a conditional update, so a late,
 * duplicate or concurrent trigger acts at most once.
 */
export class SlaService {
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly scheduler: Scheduler,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: SlaOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    scheduler.handleBatch("sla", (clockIds) => this.fireMany(clockIds));
    scheduler.handle("slahook", (eventId) => this.deliverWebhook(eventId));
  }

  /** Seeds the default calendars and policies; never overwrites what an admin changed. */
  async seed(): Promise<void> {
    for (const c of [CALENDAR_24X7, CALENDAR_BUSINESS]) {
      await this.db.businessCalendar.upsert({
        where: { id: c.id },
        create: {
          id: c.id,
          name: c.id === "24x7" ? "24×7" : "工作日 09:00–18:00",
          timezone: c.timezone,
          mode: c.mode,
          dayStart: c.dayStart,
          dayEnd: c.dayEnd,
          useChinaHolidays: c.useChinaHolidays,
          closedDays: [...c.closedDays],
        },
        update: {},
      });
    }
    await this.db.slaPolicy.createMany({ data: defaultPolicies(this.opts.warnRatio), skipDuplicates: true });
  }

  // ───────────────────────── calendars and policies ─────────────────────────

  async calendars(tx: Tx | Db = this.db): Promise<Map<string, CalendarSpec>> {
    const rows = await tx.businessCalendar.findMany();
    const map = new Map<string, CalendarSpec>();
    for (const r of rows)
      map.set(r.id, {
        id: r.id,
        timezone: r.timezone,
        mode: r.mode as CalendarMode,
        dayStart: r.dayStart,
        dayEnd: r.dayEnd,
        useChinaHolidays: r.useChinaHolidays,
        closedDays: r.closedDays,
        ...(this.opts.holidays ? { holidays: this.opts.holidays() } : {}),
      });
    return map;
  }

  async calendarRows(): Promise<(CalendarSpec & { name: string; mode: CalendarMode; closedDays: string[] })[]> {
    const rows = await this.db.businessCalendar.findMany({ orderBy: { id: "asc" } });
    return rows.map((r) => ({ ...r, mode: r.mode as CalendarMode }));
  }

  /** The calendar a clock runs on (24×7 when it was deleted meanwhile). */
  async calendar(id: string, tx: Tx | Db = this.db): Promise<CalendarSpec> {
    return (await this.calendars(tx)).get(id) ?? CALENDAR_24X7;
  }

  async policies(tx: Tx | Db = this.db): Promise<PolicySpec[]> {
    const rows = await tx.slaPolicy.findMany({ orderBy: [{ kind: "asc" }, { rank: "desc" }, { name: "asc" }] });
    return rows.map((r) => ({
      name: r.name,
      ticketType: r.ticketType,
      kind: r.kind as ClockKind,
      category: r.category,
      priority: r.priority,
      groupCode: r.groupCode,
      complex: r.complex,
      targetMinutes: r.targetMinutes,
      calendarId: r.calendarId,
      warnRatio: r.warnRatio,
      pausable: r.pausable,
      active: r.active,
      rank: r.rank,
    }));
  }

  /** Creates or replaces a policy. The regulatory limit is the law's, not ours: refused. */
  async putPolicy(name: string, p: Omit<PolicySpec, "name">): Promise<PolicySpec> {
    const existing = await this.db.slaPolicy.findUnique({ where: { name } });
    if (existing?.kind === "regulatory" || p.kind === "regulatory")
      throw new AppError(
        "SLA_POLICY_LOCKED",
        "The regulatory clock is the legal 7-day limit (快递暂行条例 Art. 28) and cannot be changed",
      );
    if (LOCKED_CLOCK_KINDS.includes(existing?.kind as ClockKind) || LOCKED_CLOCK_KINDS.includes(p.kind))
      throw new AppError(
        "SLA_POLICY_LOCKED",
        "The 12305 申诉 clocks are the regulator's limits (邮政业用户申诉处理办法) and cannot be changed",
      );
    const calendars = await this.calendars();
    if (!calendars.has(p.calendarId))
      throw new AppError("VALIDATION_FAILED", `Unknown calendar ${p.calendarId}`, {
        issues: [`calendarId: unknown calendar ${p.calendarId}`],
      });
    const data = { ...p };
    await this.db.slaPolicy.upsert({ where: { name }, create: { name, ...data }, update: data });
    return { name, ...p };
  }

  async putCalendar(spec: CalendarSpec & { name: string }): Promise<CalendarSpec & { name: string }> {
    const problems = validateCalendar(spec);
    if (problems.length) throw new AppError("VALIDATION_FAILED", problems.join("; "), { issues: problems });
    const data = {
      name: spec.name,
      timezone: spec.timezone,
      mode: spec.mode,
      dayStart: spec.dayStart,
      dayEnd: spec.dayEnd,
      useChinaHolidays: spec.useChinaHolidays,
      closedDays: [...spec.closedDays],
    };
    await this.db.businessCalendar.upsert({ where: { id: spec.id }, create: { id: spec.id, ...data }, update: data });
    return spec;
  }

  /** The promise made to a customer for a new ticket: first response and resolution targets. */
  async promise(subject: PolicySubject): Promise<{ firstResponseMinutes: number; resolutionMinutes: number }> {
    const policies = await this.policies();
    return {
      firstResponseMinutes: selectPolicy(policies, "first_response", subject)?.targetMinutes ?? 30,
      resolutionMinutes: selectPolicy(policies, "resolution", subject)?.targetMinutes ?? 24 * 60,
    };
  }

  // ───────────────────────── clock lifecycle (inside the caller's transaction) ─────────────────────────

  /** Starts the clocks of a new (or reopened) ticket. Returns what to arm after commit. */
  async startClocks(
    tx: Tx,
    ticketId: string,
    subject: PolicySubject,
    kinds: readonly ClockKind[] = clockKindsFor(subject.type),
    from: ClockStart = {},
  ): Promise<ArmRequest[]> {
    const now = this.now();
    const [policies, calendars] = [await this.policies(tx), await this.calendars(tx)];
    const arms: ArmRequest[] = [];
    for (const kind of kinds) {
      const policy = selectPolicy(policies, kind, subject);
      if (!policy) continue;
      const calendar = calendars.get(policy.calendarId) ?? CALENDAR_24X7;
      const c = startClock(policy, calendar, from.startedAt?.[kind] ?? now, from.dueAt?.[kind]);
      const data = {
        policyName: policy.name,
        calendarId: calendar.id,
        targetMinutes: policy.targetMinutes,
        pausable: policy.pausable,
        ...toRow(c),
      };
      const row = await tx.slaClock.upsert({
        where: { ticketId_kind: { ticketId, kind } },
        create: { ticketId, kind, ...data },
        update: data,
        select: { id: true },
      });
      await tx.ticketEvent.create({
        data: {
          ticketId,
          actorType: "system",
          type: "sla.started",
          data: { clockId: row.id, kind, policy: policy.name, dueAt: c.dueAt.toISOString() },
        },
      });
      arms.push({ clockId: row.id, at: c.nextFireAt });
    }
    return arms;
  }

  /** Pauses every pausable running clock (the ticket waits on the customer). */
  pause(tx: Tx, ticketId: string): Promise<ArmRequest[]> {
    return this.change(tx, ticketId, ["running"], (c) => pauseClock(c, this.now()), "sla.paused");
  }

  /** Resumes paused clocks, adding the paused time. */
  async resume(tx: Tx, ticketId: string): Promise<ArmRequest[]> {
    const calendars = await this.calendars(tx);
    return this.change(
      tx,
      ticketId,
      ["paused"],
      (c, calendarId) => resumeClock(c, calendars.get(calendarId) ?? CALENDAR_24X7, this.now()),
      "sla.resumed",
    );
  }

  /**
   * The holiday data changed (issue 19): live clocks on business calendars that follow China's
   * holidays get the due times the new data gives, and lose the fallback mark once their span is
   * covered. `previous` is the snapshot the clocks were computed on; only clocks whose span comes
   * near the changed `year` (a notice may move days of the neighbouring December or January) are
   * looked at. Returns how many moved.
   */
  async recalculate(previous: HolidayTable, year: number, pageSize = 500): Promise<number> {
    const calendars = await this.calendars();
    const ids = [...calendars.values()]
      .filter((c) => c.mode === "business_hours" && c.useChinaHolidays)
      .map((c) => c.id);
    if (!ids.length) return 0;
    const now = this.now();
    let cursor: string | undefined;
    let moved = 0;
    for (;;) {
      const rows = await this.db.slaClock.findMany({
        where: {
          state: { in: ["running", "paused"] },
          calendarId: { in: ids },
          startedAt: { lt: new Date(Date.UTC(year + 1, 1, 1)) },
          dueAt: { gte: new Date(Date.UTC(year - 1, 11, 1)) },
        },
        orderBy: { id: "asc" },
        take: pageSize,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      if (!rows.length) break;
      const arms: ArmRequest[] = [];
      for (const row of rows) {
        const after = calendars.get(row.calendarId) ?? CALENDAR_24X7;
        const next = recalculateClock(fromRow(row), { ...after, holidays: previous }, after, now);
        if (!next) continue;
        await this.db.$transaction(async (tx) => {
          // Conditional on what we read: a trigger or a pause in between wins.
          const res = await tx.slaClock.updateMany({
            where: { id: row.id, state: row.state, dueAt: row.dueAt },
            data: toRow(next),
          });
          if (!res.count) return;
          await tx.ticketEvent.create({
            data: {
              ticketId: row.ticketId,
              actorType: "system",
              type: "sla.recalculated",
              data: {
                clockId: row.id,
                kind: row.kind,
                dueAt: next.dueAt.toISOString(),
                previousDueAt: row.dueAt.toISOString(),
                reason: "holiday calendar changed",
              },
            },
          });
          arms.push({ clockId: row.id, at: next.nextFireAt });
          moved++;
        }, TX_OPTIONS);
      }
      await this.applyArms(arms);
      cursor = rows[rows.length - 1]?.id;
    }
    if (moved) this.log.info({ clocks: moved }, "SLA clocks recalculated after a holiday calendar change");
    return moved;
  }

  /** Marks clocks met (first response sent; ticket resolved). */
  meet(tx: Tx, ticketId: string, kinds: readonly ClockKind[]): Promise<ArmRequest[]> {
    return this.change(tx, ticketId, ["running", "paused"], (c) => meetClock(c, this.now()), "sla.met", kinds);
  }

  /** Stops clocks whose obligation went away unmet (neither met nor breached; see stopClock). */
  stop(tx: Tx, ticketId: string, kinds: readonly ClockKind[]): Promise<ArmRequest[]> {
    return this.change(tx, ticketId, ["running", "paused"], (c) => stopClock(c), "sla.stopped", kinds);
  }

  private async change(
    tx: Tx,
    ticketId: string,
    states: ClockState[],
    fn: (c: ClockTimes, calendarId: string) => ClockTimes | undefined,
    eventType: string,
    kinds?: readonly ClockKind[],
  ): Promise<ArmRequest[]> {
    const rows = await tx.slaClock.findMany({
      where: { ticketId, state: { in: states }, ...(kinds ? { kind: { in: [...kinds] } } : {}) },
    });
    const arms: ArmRequest[] = [];
    for (const row of rows) {
      const next = fn(fromRow(row), row.calendarId);
      if (!next) continue;
      // Conditional on the state we read: a concurrent trigger that breached it first wins.
      const res = await tx.slaClock.updateMany({ where: { id: row.id, state: row.state }, data: toRow(next) });
      if (res.count === 0) continue;
      await tx.ticketEvent.create({
        data: {
          ticketId,
          actorType: "system",
          type: eventType,
          data: { clockId: row.id, kind: row.kind, dueAt: next.dueAt.toISOString(), pausedMs: next.pausedMs },
        },
      });
      arms.push({ clockId: row.id, at: next.nextFireAt });
    }
    return arms;
  }

  /** Applies scheduler changes after the deciding transaction committed (reconcile repairs a crash in between). */
  async applyArms(arms: readonly ArmRequest[]): Promise<void> {
    for (const a of arms) {
      const key = `sla:${a.clockId}`;
      try {
        if (a.at) await this.scheduler.arm(key, a.at);
        else await this.scheduler.cancel(key);
      } catch (err) {
        this.log.warn({ err, clockId: a.clockId }, "could not (re)arm an SLA trigger; reconcile will");
      }
    }
  }

  // ───────────────────────── triggers ─────────────────────────

  /** A scheduler trigger for one clock: warn, breach, or re-arm for later. Safe to call any number of times. */
  fire(clockId: string): Promise<void> {
    return this.fireMany([clockId]);
  }

  /**
   * Triggers for many clocks in one statement (FIRE_MANY_SQL), then the follow-ups: warned
   * clocks re-armed for their breach, early triggers re-armed, live notices, webhooks.
   */
  async fireMany(clockIds: readonly string[]): Promise<void> {
    if (!clockIds.length) return;
    const now = this.now();
    const rows = await this.opts.sql.query<FiredRow>(FIRE_MANY_SQL, [clockIds, now.toISOString()], "kd_sla_fire_many");
    const rearm: { key: string; dueAt: Date }[] = [];
    for (const r of rows) {
      if (r.type === "wait") {
        rearm.push({ key: `sla:${r.clockId}`, dueAt: new Date(Number(r.dueAt)) });
        continue;
      }
      const dueAt = new Date(Number(r.dueAt));
      if (r.type === "sla.warning" && !r.breach) rearm.push({ key: `sla:${r.clockId}`, dueAt });
      this.log.info(
        {
          clockId: r.clockId,
          ticketNumber: r.number,
          kind: r.kind,
          lateMs: now.getTime() - (r.type === "sla.warning" ? Number(r.warnAt) : dueAt.getTime()),
        },
        r.type,
      );
      await this.bus
        .publish(AGENTS_TOPIC, {
          type: r.type,
          ticketNumber: r.number,
          groupCode: r.groupCode,
          assigneeId: r.assigneeId,
          priority: r.priority,
          category: r.category,
          clockKind: r.kind,
          dueAt: dueAt.toISOString(),
          // Consoles show it to the assignee and to every supervisor.
          audience: ["assignee", "supervisors"],
        })
        .catch((err) => this.log.warn({ err }, "realtime publish failed"));
    }
    if (rearm.length) await this.scheduler.armMany(rearm);
  }

  /**
   * Posts one SLA event to the company's webhook, signed; a failure throws so the scheduler retries.
   * Issue 21: no longer armed — SLA_WEBHOOK_URL is a webhook subscription (WebhookService
   * .syncLegacySla, the same body); this only drains `slahook` jobs an older version armed.
   */
  async deliverWebhook(eventId: string): Promise<void> {
    const url = this.opts.webhookUrl;
    if (!url) return;
    const event = await this.db.ticketEvent.findUnique({
      where: { id: BigInt(eventId) },
      include: {
        ticket: {
          select: { number: true, category: true, priority: true, groupCode: true, assigneeId: true, status: true },
        },
      },
    });
    if (!event) return;
    if (this.now().getTime() - event.at.getTime() > WEBHOOK_GIVE_UP_MS) {
      this.log.error({ eventId, ticketNumber: event.ticket.number }, "SLA webhook undeliverable for 24 h; giving up");
      return;
    }
    const body = JSON.stringify({
      id: event.id.toString(),
      type: event.type,
      at: event.at.toISOString(),
      ticket: event.ticket,
      clock: event.data,
    });
    const timestamp = Math.floor(this.now().getTime() / 1000).toString();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-kd-event-id": event.id.toString(),
      "x-kd-timestamp": timestamp,
    };
    if (this.opts.webhookSecret)
      headers["x-kd-signature"] = `sha256=${signWebhook(this.opts.webhookSecret, timestamp, body)}`;
    const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`SLA webhook answered ${res.status}`);
  }

  /**
   * After a start: re-arm every running clock from its nextFireAt, so a clock that fell due
   * while the service was down fires at once and one armed in a lost Redis fires at all. In
   * pages, soonest first, on the driver: the scheduler is already running, so what is due fires
   * while later pages are still being armed (issue 19: embedded mode's single connection spent
   * seconds arming 100,000 clocks before firing any).
   */
  async reconcile(pageSize = 2000): Promise<number> {
    // The cursor is the timestamp's exact text: a float round trip could repeat the last row forever.
    let cursor = { at: "-infinity", id: "00000000-0000-0000-0000-000000000000" };
    let total = 0;
    for (;;) {
      const page = await this.opts.sql.query<{ id: string; at: number; cursor: string }>(
        `SELECT id::text, (EXTRACT(EPOCH FROM "nextFireAt") * 1000)::float8 AS at, "nextFireAt"::text AS cursor
         FROM "SlaClock"
         WHERE state = 'running' AND "nextFireAt" IS NOT NULL AND ("nextFireAt", id) > ($1::timestamp, $2::uuid)
         ORDER BY "nextFireAt", id LIMIT $3::int`,
        [cursor.at, cursor.id, pageSize],
        "kd_sla_reconcile_page",
      );
      if (!page.length) break;
      await this.scheduler.armMany(page.map((c) => ({ key: `sla:${c.id}`, dueAt: new Date(Number(c.at)) })));
      total += page.length;
      const last = page[page.length - 1] as { id: string; cursor: string };
      cursor = { at: last.cursor, id: last.id };
    }
    return total;
  }
}

/** HMAC-SHA256 over `${timestamp}.${body}` (hex): receivers recompute it and reject stale timestamps. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

function fromRow(r: SlaClock): ClockTimes {
  return {
    state: r.state as ClockState,
    pausable: r.pausable,
    startedAt: r.startedAt,
    dueAt: r.dueAt,
    warnAt: r.warnAt,
    pausedAt: r.pausedAt,
    pausedMs: Number(r.pausedMs),
    warnedAt: r.warnedAt,
    metAt: r.metAt,
    breachedAt: r.breachedAt,
    nextFireAt: r.nextFireAt,
    calendarFallback: r.calendarFallback,
  };
}

function toRow(c: ClockTimes) {
  return {
    state: c.state,
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    warnAt: c.warnAt,
    pausedAt: c.pausedAt,
    pausedMs: BigInt(Math.round(c.pausedMs)),
    warnedAt: c.warnedAt,
    metAt: c.metAt,
    breachedAt: c.breachedAt,
    nextFireAt: c.nextFireAt,
    ...(c.calendarFallback !== undefined ? { calendarFallback: c.calendarFallback } : {}),
  };
}

export function toClockDto(r: SlaClock): SlaClockDto {
  return {
    id: r.id,
    kind: r.kind,
    policy: r.policyName,
    calendarId: r.calendarId,
    targetMinutes: r.targetMinutes,
    startedAt: r.startedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    warnAt: r.warnAt.toISOString(),
    pausedMs: Number(r.pausedMs),
    state: r.state,
    ...(r.warnedAt ? { warnedAt: r.warnedAt.toISOString() } : {}),
    ...(r.metAt ? { metAt: r.metAt.toISOString() } : {}),
    ...(r.breachedAt ? { breachedAt: r.breachedAt.toISOString() } : {}),
    calendarFallback: r.calendarFallback,
  };
}
