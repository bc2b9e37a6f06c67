import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";

interface TicketJson {
  number: string;
  status: string;
  assignee: { username: string } | null;
}

describe.each(DB_KINDS)("auto-assignment on %s", (kind) => {
  let t: TestApp;
  const staff: Record<string, { id: string; token: string }> = {};
  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" });
    for (const name of ["ann", "ben", "cat"]) {
      staff[name] = await createStaff(t.app, t.baseUrl, { username: name, groups: ["after_sales"] });
    }
    await t.app.db.prisma.agent.update({ where: { id: staff.ben!.id }, data: { maxOpenTickets: 1 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const open = async () => {
    const res = await staffApi<TicketJson>(t.baseUrl, staff.cat!.token, "POST", "/api/tickets", {
      category: "STAFF_ATTITUDE",
      description: "快递员态度恶劣",
      customerPhone: "13900001111",
    });
    expect(res.status).toBe(201);
    const detail = await staffApi<TicketJson>(t.baseUrl, staff.cat!.token, "GET", `/api/tickets/${res.body.number}`);
    return detail.body;
  };
  const presence = (name: string, p: "online" | "offline") =>
    staffApi(t.baseUrl, staff[name]!.token, "PUT", "/api/agents/me/presence", { presence: p });

  it("nobody online: the ticket waits unassigned; an agent coming online gets it", async () => {
    const waiting = await open();
    expect(waiting).toMatchObject({ status: "new", assignee: null });
    await presence("ann", "online");
    const after = await staffApi<TicketJson>(t.baseUrl, staff.ann!.token, "GET", `/api/tickets/${waiting.number}`);
    expect(after.body).toMatchObject({ status: "open", assignee: { username: "ann" } });
  });

  it("goes to the online agent with the fewest open tickets, within each agent's cap", async () => {
    await presence("ben", "online");
    expect((await open()).assignee?.username).toBe("ben"); // ben 0 < ann 1
    expect((await open()).assignee?.username).toBe("ann"); // ben is at his cap of 1
    expect((await open()).assignee?.username).toBe("ann");
    await presence("ann", "offline");
    await presence("ben", "offline");
    expect((await open()).assignee).toBeNull(); // offline agents get nothing; manual take still works
  });
});
