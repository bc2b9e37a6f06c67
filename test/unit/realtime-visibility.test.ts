import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/agents/auth.service.js";
import { visibleTo } from "../../src/agents/console.routes.js";

const agent = (agentId: string, groups: string[]): Principal => ({
  agentId,
  username: agentId,
  displayName: agentId,
  role: "agent",
  groups,
});
const supervisor: Principal = { agentId: "sup", username: "sup", displayName: "sup", role: "supervisor", groups: [] };

describe("which staff a realtime event reaches (console websocket)", () => {
  const dissatisfied = {
    type: "survey.dissatisfied",
    ticketNumber: "202612-00001",
    groupCode: "logistics",
    assigneeId: "zhao",
    audience: ["assignee", "supervisors"],
  };

  it("an alert for the assignee reaches the assignee and supervisors, not the rest of the group (session 11)", () => {
    expect(visibleTo(agent("zhao", ["logistics"]), dissatisfied)).toBe(true);
    expect(visibleTo(supervisor, dissatisfied)).toBe(true);
    // Was true: every agent of the group saw another agent's 不满意 and SLA alerts.
    expect(visibleTo(agent("li", ["logistics"]), dissatisfied)).toBe(false);
    expect(visibleTo(agent("wang", ["after_sales"]), dissatisfied)).toBe(false);
  });

  it("unassigned, the group is who can act on it; events without an audience keep the group rule", () => {
    const unassigned = { ...dissatisfied, assigneeId: null };
    expect(visibleTo(agent("li", ["logistics"]), unassigned)).toBe(true);
    expect(visibleTo(agent("wang", ["after_sales"]), unassigned)).toBe(false);
    const update = { type: "ticket.updated", ticket: { groupCode: "logistics", assigneeId: "zhao" } };
    expect(visibleTo(agent("li", ["logistics"]), update)).toBe(true);
  });
});
