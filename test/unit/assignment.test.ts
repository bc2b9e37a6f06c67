import { describe, expect, it } from "vitest";
import { pickAssignee } from "../../src/tickets/assignment.js";

const at = (s: string) => new Date(`2026-11-23T${s}:00Z`);

describe("pickAssignee", () => {
  it("picks the agent with the fewest open tickets", () => {
    const pick = pickAssignee([
      { id: "a", openTickets: 3, maxOpenTickets: 10, lastAssignedAt: null },
      { id: "b", openTickets: 1, maxOpenTickets: 10, lastAssignedAt: at("10:00") },
    ]);
    expect(pick?.id).toBe("b");
  });
  it("breaks ties round-robin: whoever was assigned longest ago, never-assigned first", () => {
    const agents = [
      { id: "a", openTickets: 2, maxOpenTickets: 10, lastAssignedAt: at("10:05") },
      { id: "b", openTickets: 2, maxOpenTickets: 10, lastAssignedAt: at("10:01") },
      { id: "c", openTickets: 2, maxOpenTickets: 10, lastAssignedAt: null },
    ];
    expect(pickAssignee(agents)?.id).toBe("c");
    expect(pickAssignee(agents.slice(0, 2))?.id).toBe("b");
  });
  it("respects each agent's cap; nobody under it → no one", () => {
    expect(pickAssignee([{ id: "a", openTickets: 5, maxOpenTickets: 5, lastAssignedAt: null }])).toBeUndefined();
    expect(
      pickAssignee([
        { id: "a", openTickets: 5, maxOpenTickets: 5, lastAssignedAt: null },
        { id: "b", openTickets: 7, maxOpenTickets: 8, lastAssignedAt: null },
      ])?.id,
    ).toBe("b");
  });
});
