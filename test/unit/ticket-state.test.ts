import { describe, expect, it } from "vitest";
import {
  maxPriority,
  raisePriority,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  type TicketAction,
  type TicketStatus,
  transition,
} from "../../src/tickets/ticket-state.js";

// The whole state machine as a table (issue 22: mutation testing found refusal reasons,
// pend / customer_reply / transfer / close and the ownership guard unpinned by the unit project).
// Each cell: the status the action leads to, or "!" + the refusal reason the API returns in
// ILLEGAL_TRANSITION details. Actors: the customer or system (no actor), the owning agent "A",
// another agent "B", a supervisor; the ticket is assigned to A and was resolved a day ago.
type Cell = string;
type Row = [TicketStatus, TicketAction, [Cell, Cell, Cell, Cell]];
const OWNED = "!ticket is owned by another agent (首问负责制); ask for a transfer";
const all = (c: Cell): [Cell, Cell, Cell, Cell] => [c, c, c, c];

const TABLE: Row[] = [
  ["new", "take", all("open")],
  ["new", "reply", all("open")],
  ["new", "note", all("new")],
  ["new", "pend", all("!only an open ticket can wait for the customer (ticket is new)")],
  ["new", "customer_reply", all("new")],
  ["new", "resolve", all("!take the ticket before resolving it")],
  ["new", "reopen", all("!only a resolved or closed ticket can be reopened (ticket is new)")],
  ["new", "transfer", ["new", "new", OWNED, "new"]],
  ["new", "close", all("!only a resolved ticket can be closed (ticket is new)")],
  ["new", "complete", all("!take the request before completing or rejecting it")],
  ["new", "reject", all("!take the request before completing or rejecting it")],
  ["new", "convert", all("!take the request before you convert it")],
  ["new", "propose", all("!take the request before you propose it")],
  ["new", "agree", all("!take the request before you agree it")],
  ["new", "cancel", all("closed")],
  ["open", "take", ["open", "!you already own this ticket", OWNED, "open"]],
  ["open", "reply", ["open", "open", OWNED, "open"]],
  ["open", "note", all("open")],
  ["open", "pend", ["pending_customer", "pending_customer", OWNED, "pending_customer"]],
  ["open", "customer_reply", all("open")],
  ["open", "resolve", ["resolved", "resolved", OWNED, "resolved"]],
  ["open", "reopen", all("!only a resolved or closed ticket can be reopened (ticket is open)")],
  ["open", "transfer", ["open", "open", OWNED, "open"]],
  ["open", "close", all("!only a resolved ticket can be closed (ticket is open)")],
  ["open", "complete", ["resolved", "resolved", OWNED, "resolved"]],
  ["open", "reject", ["resolved", "resolved", OWNED, "resolved"]],
  ["open", "convert", ["open", "open", OWNED, "open"]],
  ["open", "propose", ["open", "open", OWNED, "open"]],
  ["open", "agree", ["open", "open", OWNED, "open"]],
  ["open", "cancel", all("closed")],
  ["pending_customer", "take", ["pending_customer", "!you already own this ticket", OWNED, "pending_customer"]],
  ["pending_customer", "reply", ["pending_customer", "pending_customer", OWNED, "pending_customer"]],
  ["pending_customer", "note", all("pending_customer")],
  ["pending_customer", "pend", all("!ticket is already waiting for the customer")],
  ["pending_customer", "customer_reply", all("open")],
  ["pending_customer", "resolve", ["resolved", "resolved", OWNED, "resolved"]],
  ["pending_customer", "reopen", all("!only a resolved or closed ticket can be reopened (ticket is pending_customer)")],
  ["pending_customer", "transfer", ["pending_customer", "pending_customer", OWNED, "pending_customer"]],
  ["pending_customer", "close", all("!only a resolved ticket can be closed (ticket is pending_customer)")],
  ["pending_customer", "complete", ["resolved", "resolved", OWNED, "resolved"]],
  ["pending_customer", "reject", ["resolved", "resolved", OWNED, "resolved"]],
  ["pending_customer", "convert", ["pending_customer", "pending_customer", OWNED, "pending_customer"]],
  ["pending_customer", "propose", ["pending_customer", "pending_customer", OWNED, "pending_customer"]],
  ["pending_customer", "agree", ["pending_customer", "pending_customer", OWNED, "pending_customer"]],
  ["pending_customer", "cancel", all("closed")],
  ["resolved", "take", all("!a resolved ticket cannot be taken; reopen it first")],
  ["resolved", "reply", all("!cannot reply on a resolved ticket; reopen it first")],
  ["resolved", "note", all("resolved")],
  ["resolved", "pend", all("!only an open ticket can wait for the customer (ticket is resolved)")],
  ["resolved", "customer_reply", all("resolved")],
  ["resolved", "resolve", all("!ticket is already resolved")],
  ["resolved", "reopen", all("open")],
  ["resolved", "transfer", all("!a resolved ticket cannot be transferred")],
  ["resolved", "close", all("closed")],
  ["resolved", "complete", all("!request is already resolved")],
  ["resolved", "reject", all("!request is already resolved")],
  ["resolved", "convert", all("!a resolved request cannot be changed; reopen it first")],
  ["resolved", "propose", all("!a resolved request cannot be changed; reopen it first")],
  ["resolved", "agree", all("!a resolved request cannot be changed; reopen it first")],
  ["resolved", "cancel", all("!a resolved request cannot be cancelled")],
  ["closed", "take", all("!a closed ticket cannot be taken; reopen it first")],
  ["closed", "reply", all("!cannot reply on a closed ticket; reopen it first")],
  ["closed", "note", all("closed")],
  ["closed", "pend", all("!only an open ticket can wait for the customer (ticket is closed)")],
  ["closed", "customer_reply", all("closed")],
  ["closed", "resolve", all("!ticket is already closed")],
  ["closed", "reopen", all("open")],
  ["closed", "transfer", all("!a closed ticket cannot be transferred")],
  ["closed", "close", all("!only a resolved ticket can be closed (ticket is closed)")],
  ["closed", "complete", all("!request is already closed")],
  ["closed", "reject", all("!request is already closed")],
  ["closed", "convert", all("!a closed request cannot be changed; reopen it first")],
  ["closed", "propose", all("!a closed request cannot be changed; reopen it first")],
  ["closed", "agree", all("!a closed request cannot be changed; reopen it first")],
  ["closed", "cancel", all("!a closed request cannot be cancelled")],
];

const ACTORS = [
  {},
  { actorId: "A", actorRole: "agent" as const },
  { actorId: "B", actorRole: "agent" as const },
  { actorId: "S", actorRole: "supervisor" as const },
];
const NOW = new Date("2026-11-30T04:00:00Z");

describe("ticket state machine, every status × action × actor (001 首问负责制)", () => {
  it("the table covers every pair", () => {
    expect(new Set(TABLE.map(([s, a]) => `${s} ${a}`)).size).toBe(TICKET_STATUSES.length * TICKET_ACTIONS.length);
  });

  it.each(TABLE)("%s + %s", (status, action, expected) => {
    const got = ACTORS.map((actor) => {
      const v = transition(status, action, {
        ...actor,
        assigneeId: "A",
        resolvedAt: new Date("2026-11-29T00:00:00Z"),
        now: NOW,
        reopenWindowDays: 7,
      });
      return v.ok ? v.to : `!${v.reason}`;
    });
    expect(got).toEqual(expected);
  });

  it("an unassigned ticket has no owner to guard: any agent works it", () => {
    const ctx = {
      actorId: "B",
      actorRole: "agent" as const,
      assigneeId: null,
      resolvedAt: null,
      now: NOW,
      reopenWindowDays: 7,
    };
    expect(transition("open", "resolve", ctx)).toEqual({ ok: true, to: "resolved" });
    expect(transition("open", "take", ctx)).toEqual({ ok: true, to: "open" });
  });

  it("reopen window: an agent is refused after 7 days to the millisecond, a supervisor or admin is not", () => {
    const resolvedAt = new Date("2026-11-23T04:00:00Z"); // exactly 7 days before NOW
    const base = { assigneeId: "A", resolvedAt, reopenWindowDays: 7 };
    const agent = { ...base, actorId: "A", actorRole: "agent" as const };
    expect(transition("resolved", "reopen", { ...agent, now: NOW })).toEqual({ ok: true, to: "open" });
    const late = new Date(NOW.getTime() + 1);
    expect(transition("resolved", "reopen", { ...agent, now: late })).toEqual({
      ok: false,
      reason: "resolved more than 7 days ago; open a new ticket",
    });
    expect(transition("closed", "reopen", { ...base, actorId: "S", actorRole: "supervisor", now: late })).toEqual({
      ok: true,
      to: "open",
    });
    expect(transition("resolved", "reopen", { ...base, actorId: "S", actorRole: "admin", now: late })).toEqual({
      ok: true,
      to: "open",
    });
  });

  it("priority: one level up, capped at urgent; the higher of two", () => {
    expect(raisePriority("normal")).toBe("high");
    expect(raisePriority("high")).toBe("urgent");
    expect(raisePriority("urgent")).toBe("urgent");
    expect(maxPriority("normal", "high")).toBe("high");
    expect(maxPriority("urgent", "high")).toBe("urgent");
    expect(maxPriority("high", "high")).toBe("high");
  });
});
