import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { BUS_GAP, STAFF_CHANGES_TOPIC } from "../../src/realtime/topics.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";

// Issue 18 (review): a live console connection was authorised with the account as it was when
// it connected. A password reset, a disabled account or a role change closes it at once (4409);
// reconnecting with a token the reset revoked is refused (4401), with a still valid one it
// carries the new role.
describe.each(DB_KINDS)("staff account changes reach open live connections (%s)", (kind) => {
  let t: TestApp;
  let admin: { token: string };
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await createStaff(t.app, t.baseUrl, { username: `chg-admin-${kind}`, role: "admin" });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A console's live connection: resolves once ready, with how it ends. */
  async function live(token: string) {
    const ws = new WebSocket(`${t.baseUrl.replace("http", "ws")}/api/agents/ws?token=${encodeURIComponent(token)}`);
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    const ready = await new Promise<{ role: string } | undefined>((resolve) => {
      ws.on("message", (raw) => {
        const e = JSON.parse(raw.toString()) as { type: string; agent?: { role: string } };
        if (e.type === "ready") resolve(e.agent);
      });
      ws.on("close", () => resolve(undefined));
    });
    return { ws, ready, closed };
  }

  it("a password reset closes the agent's open connection; the old token cannot reconnect", async () => {
    const agent = await createStaff(t.app, t.baseUrl, { username: `chg-a-${kind}` });
    const before = await live(agent.token);
    expect(before.ready?.role).toBe("agent");
    const reset = await staffApi(t.baseUrl, admin.token, "POST", `/api/admin/agents/${agent.id}/password-reset`);
    expect(reset.status).toBe(200);
    expect(await before.closed).toBe(4409);
    const again = await live(agent.token);
    expect(again.ready).toBeUndefined();
    expect(await again.closed).toBe(4401);
  });

  // Redis pub/sub loses what is published while the subscriber reconnects; the bus then tells every
  // listener of the gap (RedisBus, BUS_GAP). An account change lost that way must not leave a
  // connection, or a cached login, authorised with the old account.
  it("after a gap in the event bus every connection re-authorises: a change it missed takes effect", async () => {
    const agent = await createStaff(t.app, t.baseUrl, { username: `chg-gap-${kind}` });
    const before = await live(agent.token);
    expect(before.ready?.role).toBe("agent");
    // The change whose agent.changed was lost: written, nobody told.
    await t.app.db.prisma.agent.update({ where: { id: agent.id }, data: { role: "supervisor" } });
    await t.app.bus.publish(STAFF_CHANGES_TOPIC, { type: BUS_GAP });
    expect(await before.closed).toBe(4409);
    const again = await live(agent.token);
    expect(again.ready?.role).toBe("supervisor");
    again.ws.close();
  });

  it("a role change closes it too; the same token reconnects with the new role", async () => {
    const agent = await createStaff(t.app, t.baseUrl, { username: `chg-b-${kind}` });
    const before = await live(agent.token);
    const changed = await staffApi(t.baseUrl, admin.token, "PATCH", `/api/admin/agents/${agent.id}`, {
      role: "supervisor",
    });
    expect(changed.status).toBe(200);
    expect(await before.closed).toBe(4409);
    const again = await live(agent.token);
    expect(again.ready?.role).toBe("supervisor");
    again.ws.close();
  });

  // A watch caches the agent's access to the conversation (console.routes whileVisible) with the
  // groups the connection was authorised with: a change of groups must end it, as it does.
  it("a change of the agent's groups closes it too (its watches were allowed by the old groups)", async () => {
    const agent = await createStaff(t.app, t.baseUrl, { username: `chg-g-${kind}`, groups: ["logistics"] });
    const before = await live(agent.token);
    const changed = await staffApi(t.baseUrl, admin.token, "PATCH", `/api/admin/agents/${agent.id}`, {
      groups: ["after_sales"],
    });
    expect(changed.status).toBe(200);
    expect(await before.closed).toBe(4409);
  });

  it("another agent's connection stays open", async () => {
    const other = await createStaff(t.app, t.baseUrl, { username: `chg-c-${kind}` });
    const target = await createStaff(t.app, t.baseUrl, { username: `chg-d-${kind}` });
    const bystander = await live(other.token);
    const victim = await live(target.token);
    await staffApi(t.baseUrl, admin.token, "POST", `/api/admin/agents/${target.id}/password-reset`);
    expect(await victim.closed).toBe(4409);
    // Still answering: a ping gets its pong after the change went by.
    const pong = new Promise<string>((resolve) =>
      bystander.ws.on("message", (raw) => {
        const e = JSON.parse(raw.toString()) as { type: string };
        if (e.type === "pong") resolve(e.type);
      }),
    );
    bystander.ws.send(JSON.stringify({ type: "ping" }));
    expect(await pong).toBe("pong");
    expect(bystander.ws.readyState).toBe(WebSocket.OPEN);
    bystander.ws.close();
  });
});
