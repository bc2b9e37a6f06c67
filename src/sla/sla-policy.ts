/**
 * SLA policies and clock arithmetic: pure functions. The service (sla.service.ts) loads
 * rows, calls these, and writes the result; nothing here touches the database or a timer.
 */
import { addWorkingMinutes, type CalendarSpec, spanUsesFallback, workingMsBetween } from "./business-calendar.js";

/**
 * Complaints run first_response, resolution and regulatory; service requests run resolution (the
 * promise of their type); claims run the national claim steps instead (domain.md, national
 * context): acknowledge within 24 h, propose within 30 calendar days, pay within 7 days of agreement.
 */
export const CLOCK_KINDS = [
  "first_response",
  "resolution",
  "regulatory",
  "claim_ack",
  "claim_proposal",
  "claim_payment",
  "appeal_report",
  "appeal_mediation",
] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

/** `stopped`: the obligation went away unfulfilled (a ticket resolved before anyone answered the customer). */
export const CLOCK_STATES = ["running", "paused", "met", "breached", "stopped"] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

export interface PolicySpec {
  name: string;
  /** complaint, or a service request type (src/tickets/ticket-types.ts). */
  ticketType: string;
  kind: ClockKind;
  category: string | null;
  priority: string | null;
  groupCode: string | null;
  complex: boolean | null;
  targetMinutes: number;
  calendarId: string;
  warnRatio: number;
  pausable: boolean;
  active: boolean;
  rank: number;
}

/** The ticket attributes a policy can match on. */
export interface PolicySubject {
  /** Ticket type; complaint when omitted. */
  type?: string | undefined;
  category: string;
  priority: string;
  groupCode: string;
  complex: boolean;
}

/** 快递暂行条例 Art. 28: handle the complaint and tell the user within 7 days; fixed by law. */
export const REGULATORY_MINUTES = 7 * 24 * 60;

/**
 * A complaint the postal regulator transfers (12305 申诉, issue 21) runs the regulator's clocks,
 * not ours; they cannot be paused and admins cannot change them (SLA_POLICY_LOCKED).
 *
 * 《邮政业用户申诉处理办法》(国家邮政局; the rules on how 邮政管理部门 handle users' 申诉), the
 * enterprise's duties after a transfer (转告/转办): the company reports how it handled the 申诉
 * to the 申诉处理机构 within 10 days of receiving the transfer (`appeal_report`, 10 calendar days:
 * "日", not "工作日"), and during mediation (调解) answers the regulator's mediation opinion within
 * 3 working days (`appeal_mediation`, 3 × 9 working hours on the business calendar).
 * Sources: the seeds (/work/shared/seeds 000–004) do NOT contain this text (000 only names
 * "投诉与申诉管理" as a closed loop; 001 第三条 uses 申诉 for a customer's complaint about quality);
 * the figures were checked against public summaries of the current text (e.g. dixionglia.com
 * flzs/10757: "当事企业应当自接到邮政管理部门转告的申诉事项之日起10日内…报送处理情况";
 * 1z345.cn/1838: "调解意见需在3个工作日内反馈"), not against the gazette itself, so the article
 * numbers are not cited. The regulator's own deadline, when the transfer carries one, wins
 * (`externalDeadline`, see TicketIntake).
 */
export const APPEAL_REPORT_MINUTES = 10 * 24 * 60;
/** 3 working days of the seeded business calendar (09:00–18:00). */
export const APPEAL_MEDIATION_MINUTES = 3 * 9 * 60;
/** Clock kinds whose policies are the law's or the regulator's: no admin changes them. */
export const LOCKED_CLOCK_KINDS: readonly ClockKind[] = ["regulatory", "appeal_report", "appeal_mediation"];

/**
 * Defaults seeded on start (domain.md "SLA clocks"): first response 30 min (004
 * "30分钟内响应"), resolution 24 h (002; 001 "复杂问题应在24小时内给出解决方案"), 48 h for
 * complex/escalated and urgent tickets (003 §4.3), regulatory 7 calendar days.
 */
export function defaultPolicies(warnRatio = 0.8): PolicySpec[] {
  const base = {
    ticketType: "complaint",
    category: null,
    priority: null,
    groupCode: null,
    complex: null,
    calendarId: "24x7",
    active: true,
  };
  const request = (ticketType: string, kind: ClockKind, targetMinutes: number, pausable = true): PolicySpec => ({
    ...base,
    ticketType,
    name: `${ticketType}_${kind}`,
    kind,
    targetMinutes,
    warnRatio,
    pausable,
    rank: 0,
  });
  return [
    { ...base, name: "first_response", kind: "first_response", targetMinutes: 30, warnRatio, pausable: true, rank: 0 },
    { ...base, name: "resolution", kind: "resolution", targetMinutes: 24 * 60, warnRatio, pausable: true, rank: 0 },
    {
      ...base,
      name: "resolution_complex",
      kind: "resolution",
      complex: true,
      targetMinutes: 48 * 60,
      warnRatio,
      pausable: true,
      rank: 10,
    },
    {
      ...base,
      name: "resolution_urgent",
      kind: "resolution",
      priority: "urgent",
      targetMinutes: 48 * 60,
      warnRatio,
      pausable: true,
      rank: 5,
    },
    {
      ...base,
      name: "regulatory",
      kind: "regulatory",
      targetMinutes: REGULATORY_MINUTES,
      warnRatio,
      pausable: false,
      rank: 0,
    },
    // 12305 申诉 transferred by the regulator (issue 21; see APPEAL_REPORT_MINUTES).
    {
      ...base,
      name: "appeal_report",
      kind: "appeal_report",
      targetMinutes: APPEAL_REPORT_MINUTES,
      warnRatio,
      pausable: false,
      rank: 0,
    },
    {
      ...base,
      name: "appeal_mediation",
      kind: "appeal_mediation",
      calendarId: "business",
      targetMinutes: APPEAL_MEDIATION_MINUTES,
      warnRatio,
      pausable: false,
      rank: 0,
    },
    // Service requests (issue 15): the promise the bot states. 催件 "2小时内给您回复" is the
    // issue's wording; the others are this product's defaults, edited by admins as data.
    request("urge", "resolution", 2 * 60),
    request("address_change", "resolution", 2 * 60),
    request("delivery_preference", "resolution", 2 * 60),
    // A pickup is done when the courier came: the latest bookable slot ends within 48 h.
    request("pickup", "resolution", 48 * 60),
    // Claims (domain.md national context): calendar days, not paused by waiting on the customer.
    request("claim", "claim_ack", 24 * 60, false),
    request("claim", "claim_proposal", 30 * 24 * 60, false),
    request("claim", "claim_payment", 7 * 24 * 60, false),
  ];
}

/** The clocks a new ticket of `type` starts (claim_payment waits for the customer's agreement). */
export function clockKindsFor(type: string | undefined): ClockKind[] {
  if (!type || type === "complaint") return ["first_response", "resolution", "regulatory"];
  if (type === "claim") return ["claim_ack", "claim_proposal"];
  return ["resolution"];
}

function specificity(p: PolicySpec): number {
  return [p.category, p.priority, p.groupCode, p.complex].filter((v) => v !== null).length;
}

/** The policy for a clock kind: every criterion a policy sets must match; higher rank, then more specific, wins. */
export function selectPolicy(
  policies: readonly PolicySpec[],
  kind: ClockKind,
  subject: PolicySubject,
): PolicySpec | undefined {
  const matching = policies.filter(
    (p) =>
      p.active &&
      p.kind === kind &&
      p.ticketType === (subject.type ?? "complaint") &&
      (p.category === null || p.category === subject.category) &&
      (p.priority === null || p.priority === subject.priority) &&
      (p.groupCode === null || p.groupCode === subject.groupCode) &&
      (p.complex === null || p.complex === subject.complex),
  );
  matching.sort((a, b) => b.rank - a.rank || specificity(b) - specificity(a) || a.name.localeCompare(b.name));
  return matching[0];
}

/** The mutable part of a clock row. */
export interface ClockTimes {
  state: ClockState;
  pausable: boolean;
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
  pausedAt: Date | null;
  pausedMs: number;
  warnedAt: Date | null;
  metAt: Date | null;
  breachedAt: Date | null;
  nextFireAt: Date | null;
  /** Its due time was computed with a year that has no holiday data (Monday–Friday there). */
  calendarFallback?: boolean;
}

/** When the scheduler must next wake this clock: the warning, then the breach; never once stopped. */
export function nextFireAt(c: Pick<ClockTimes, "state" | "warnedAt" | "warnAt" | "dueAt">): Date | null {
  if (c.state !== "running") return null;
  return c.warnedAt || c.warnAt.getTime() >= c.dueAt.getTime() ? c.dueAt : c.warnAt;
}

/** A new running clock. Warn at `warnRatio` of the working time (80% by default). */
export function startClock(
  policy: Pick<PolicySpec, "targetMinutes" | "warnRatio" | "pausable">,
  calendar: CalendarSpec,
  startedAt: Date,
  /** A due time set from outside (a regulator's deadline): warns at the same share of the span. */
  fixedDueAt?: Date,
): ClockTimes {
  const dueAt = fixedDueAt ?? addWorkingMinutes(calendar, startedAt, policy.targetMinutes);
  const warnAt = fixedDueAt
    ? new Date(startedAt.getTime() + Math.max(0, fixedDueAt.getTime() - startedAt.getTime()) * policy.warnRatio)
    : addWorkingMinutes(calendar, startedAt, policy.targetMinutes * policy.warnRatio);
  const c: ClockTimes = {
    state: "running",
    pausable: policy.pausable,
    startedAt,
    dueAt,
    warnAt,
    pausedAt: null,
    pausedMs: 0,
    warnedAt: null,
    metAt: null,
    breachedAt: null,
    nextFireAt: null,
    calendarFallback: spanUsesFallback(calendar, startedAt, dueAt),
  };
  c.nextFireAt = nextFireAt(c);
  return c;
}

/** Pending on the customer: a pausable running clock stops counting. */
export function pauseClock(c: ClockTimes, now: Date): ClockTimes | undefined {
  if (c.state !== "running" || !c.pausable) return undefined;
  return { ...c, state: "paused", pausedAt: now, nextFireAt: null };
}

/**
 * Back from pending: the working time that was left at the pause is left again, so a
 * 24×7 clock moves by exactly the paused time and a business-hours clock by the working
 * time it lost.
 */
export function resumeClock(c: ClockTimes, calendar: CalendarSpec, now: Date): ClockTimes | undefined {
  if (c.state !== "paused" || !c.pausedAt) return undefined;
  const dueLeft = workingMsBetween(calendar, c.pausedAt, c.dueAt);
  const warnLeft = workingMsBetween(calendar, c.pausedAt, c.warnAt);
  const dueAt = addWorkingMinutes(calendar, now, dueLeft / 60_000);
  const warnAt = c.warnedAt ? c.warnAt : addWorkingMinutes(calendar, now, warnLeft / 60_000);
  const resumed: ClockTimes = {
    ...c,
    state: "running",
    dueAt,
    warnAt,
    pausedAt: null,
    pausedMs: c.pausedMs + Math.max(0, now.getTime() - c.pausedAt.getTime()),
    nextFireAt: null,
    calendarFallback: spanUsesFallback(calendar, c.startedAt, dueAt),
  };
  resumed.nextFireAt = nextFireAt(resumed);
  return resumed;
}

/**
 * The holiday calendar changed under a live clock (issue 19: an admin loaded next year's
 * schedule): the working time it had left under the old data is left again under the new,
 * counted from now (from the pause while paused). Undefined when nothing moves.
 */
export function recalculateClock(
  c: ClockTimes,
  before: CalendarSpec,
  after: CalendarSpec,
  now: Date,
): ClockTimes | undefined {
  if (c.state !== "running" && c.state !== "paused") return undefined;
  const from =
    c.state === "paused" && c.pausedAt ? c.pausedAt : new Date(Math.max(now.getTime(), c.startedAt.getTime()));
  if (c.dueAt.getTime() <= from.getTime()) return undefined;
  const dueAt = addWorkingMinutes(after, from, workingMsBetween(before, from, c.dueAt) / 60_000);
  const warnAt =
    c.warnedAt || c.warnAt.getTime() <= from.getTime()
      ? c.warnAt
      : addWorkingMinutes(after, from, workingMsBetween(before, from, c.warnAt) / 60_000);
  const calendarFallback = spanUsesFallback(after, c.startedAt, dueAt);
  if (
    dueAt.getTime() === c.dueAt.getTime() &&
    warnAt.getTime() === c.warnAt.getTime() &&
    calendarFallback === Boolean(c.calendarFallback)
  )
    return undefined;
  const next: ClockTimes = { ...c, dueAt, warnAt, calendarFallback, nextFireAt: null };
  next.nextFireAt = nextFireAt(next);
  return next;
}

/** The clock's obligation was fulfilled (first reply sent, ticket resolved). */
export function meetClock(c: ClockTimes, now: Date): ClockTimes | undefined {
  if (c.state !== "running" && c.state !== "paused") return undefined;
  return { ...c, state: "met", metAt: now, pausedAt: null, nextFireAt: null };
}

/**
 * The clock's obligation went away without being fulfilled: resolving a ticket nobody answered
 * stops its first-response clock, which counts neither as met nor as breached (issue 19).
 */
export function stopClock(c: ClockTimes): ClockTimes | undefined {
  if (c.state !== "running" && c.state !== "paused") return undefined;
  return { ...c, state: "stopped", pausedAt: null, nextFireAt: null };
}

/** Working time left before the due time (negative once overdue); frozen while paused. */
export function remainingMs(c: ClockTimes, calendar: CalendarSpec, now: Date): number {
  if (c.state === "paused" && c.pausedAt) return workingMsBetween(calendar, c.pausedAt, c.dueAt);
  if (c.dueAt.getTime() <= now.getTime()) return -(now.getTime() - c.dueAt.getTime());
  return workingMsBetween(calendar, now, c.dueAt);
}
