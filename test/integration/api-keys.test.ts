import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, login, staffApi } from "../support/staff.js";

// Issue 21, API keys for systems: admins create scoped keys (shown once, stored as sha256), list
// them (a hint, never the key) and revoke them; a key works on the routes of its scopes only,
// 401 once expired or revoked, and every use is in the audit log. The authz route table
// (authz.test.ts) checks every route against every scope.
interface KeyView {
  id: string;
  name: string;
  hint: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  key?: string;
}
interface ErrorBody {
  error: { code: string };
}

describe.each(DB_KINDS)("API keys (%s)", (kind) => {
  let t: TestApp;
  let admin: string;
  let clock = new Date("2026-11-30T02:00:00Z");
  const lines: string[] = [];
  beforeAll(async () => {
    const logger = createLogger(
      { LOG_LEVEL: "debug", LOG_PRETTY: false, NODE_ENV: "test" },
      { write: (line: string) => void lines.push(line) },
    );
    t = await startTestApp(kind, { DEMO_DATA: "false", LOG_LEVEL: "debug" }, { logger, now: () => clock });
    admin = await login(t.baseUrl, "admin", "admin-pass-123");
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (body: unknown, token = admin) =>
    staffApi<KeyView & ErrorBody>(t.baseUrl, token, "POST", "/api/admin/api-keys", body);

  it("admins create a key shown once, list it by hint only, and revoke it; each change audited", async () => {
    const agent = await createStaff(t.app, t.baseUrl, { username: `ak-agent-${kind}`, role: "agent" });
    expect((await create({ name: "x", scopes: ["tickets:read"] }, agent.token)).status).toBe(403);
    expect((await create({ name: "x", scopes: ["tickets:everything"] })).body.error.code).toBe("VALIDATION_FAILED");
    expect((await create({ name: "x", scopes: [] })).status).toBe(400);

    const made = await create({
      name: "订单系统",
      scopes: ["tickets:read", "tickets:write"],
      expiresAt: "2027-01-01T00:00:00Z",
    });
    expect(made.status).toBe(201);
    const key = made.body.key!;
    expect(key).toMatch(/^kd_[A-Za-z0-9_-]{32}$/);
    expect(made.body.hint).toBe(`${key.slice(0, 7)}…`);
    expect(made.body.expiresAt).toBe("2027-01-01T00:00:00.000Z");

    const stored = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: made.body.id } });
    expect(JSON.stringify(stored)).not.toContain(key.slice(3));
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await staffApi<{ items: KeyView[]; scopes: string[] }>(t.baseUrl, admin, "GET", "/api/admin/api-keys");
    expect(list.status).toBe(200);
    expect(list.body.scopes).toEqual(["tickets:read", "tickets:write", "reports:read", "tracking:write"]);
    const listed = list.body.items.find((k) => k.id === made.body.id)!;
    expect(listed).toMatchObject({ name: "订单系统", scopes: ["tickets:read", "tickets:write"], revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(key.slice(3));

    expect((await staffApi(t.baseUrl, key, "GET", "/api/tickets")).status).toBe(200);
    const revoked = await staffApi<KeyView>(t.baseUrl, admin, "DELETE", `/api/admin/api-keys/${made.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBe(clock.toISOString());
    const after = await staffApi<ErrorBody>(t.baseUrl, key, "GET", "/api/tickets");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("API_KEY_REVOKED");
    expect(
      (
        await staffApi<ErrorBody>(
          t.baseUrl,
          admin,
          "DELETE",
          "/api/admin/api-keys/00000000-0000-4000-8000-000000000000",
        )
      ).body.error.code,
    ).toBe("API_KEY_NOT_FOUND");

    const audit = await t.app.db.prisma.auditEvent.findMany({
      where: { subjectId: made.body.id },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("expired keys get 401 API_KEY_EXPIRED; unknown keys 401 UNAUTHENTICATED", async () => {
    const made = await create({ name: "BI", scopes: ["reports:read"], expiresAt: "2026-11-30T03:00:00Z" });
    const key = made.body.key!;
    clock = new Date("2026-11-30T02:59:59Z");
    expect((await staffApi(t.baseUrl, key, "GET", "/api/reports/summary")).status).toBe(200);
    clock = new Date("2026-11-30T03:00:00Z");
    const expired = await staffApi<ErrorBody>(t.baseUrl, key, "GET", "/api/reports/summary");
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("API_KEY_EXPIRED");
    const unknown = await staffApi<ErrorBody>(t.baseUrl, `kd_${"A".repeat(32)}`, "GET", "/api/reports/summary");
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe("UNAUTHENTICATED");
    const refused = await t.app.db.prisma.auditEvent.findMany({
      where: { actorType: "api_key", actorId: made.body.id, action: "api_key.refused" },
    });
    expect(refused).toHaveLength(1);
    clock = new Date("2026-11-30T02:00:00Z");
  });

  it("a key acts as the system, reads like a supervisor, and every use is audited with its route", async () => {
    const made = await create({ name: "CRM", scopes: ["tickets:read", "tickets:write"] });
    const key = made.body.key!;
    // A ticket in a group no key 'belongs' to: a tickets:read key sees it.
    const sup = await createStaff(t.app, t.baseUrl, { username: `ak-sup-${kind}`, role: "supervisor" });
    const byStaff = await staffApi<{ number: string }>(t.baseUrl, sup.token, "POST", "/api/tickets", {
      category: "DELAY",
      description: "客户来电：快递三天没动",
      customerPhone: "13800138000",
    });
    expect(byStaff.status).toBe(201);

    const opened = await staffApi<{
      number: string;
      assignee: unknown;
      events: { actorType: string; actorId: string | null; type: string }[];
    }>(t.baseUrl, key, "POST", "/api/tickets", {
      category: "DELAY",
      description: "订单系统转来：包裹延误",
      customerPhone: "13800138001",
    });
    expect(opened.status).toBe(201);
    const created = opened.body.events.find((e) => e.type === "created")!;
    expect(created).toMatchObject({ actorType: "system", actorId: null });
    const row = await t.app.db.prisma.ticket.findFirstOrThrow({ where: { number: opened.body.number } });
    expect(row.assigneeId).toBeNull();

    const withConversation = await staffApi<ErrorBody>(t.baseUrl, key, "POST", "/api/tickets", {
      category: "DELAY",
      description: "x x x x",
      customerPhone: "13800138002",
      conversationId: "00000000-0000-4000-8000-000000000000",
    });
    expect(withConversation.status).toBe(400);

    const list = await staffApi<{ items: { number: string }[] }>(t.baseUrl, key, "GET", "/api/tickets");
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.number)).toEqual(
      expect.arrayContaining([byStaff.body.number, opened.body.number]),
    );
    expect((await staffApi(t.baseUrl, key, "GET", `/api/tickets/${byStaff.body.number}`)).status).toBe(200);

    const denied = await staffApi<ErrorBody>(t.baseUrl, key, "POST", `/api/tickets/${byStaff.body.number}/take`, {});
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("FORBIDDEN");
    expect((await staffApi(t.baseUrl, key, "GET", "/api/reports/summary")).status).toBe(403);

    const uses = await t.app.db.prisma.auditEvent.findMany({
      where: { actorType: "api_key", actorId: made.body.id },
      orderBy: { id: "asc" },
    });
    expect(uses.map((u) => [u.action, u.subjectId])).toEqual([
      ["api_key.used", "POST /api/tickets"],
      ["api_key.used", "POST /api/tickets"],
      ["api_key.used", "GET /api/tickets"],
      ["api_key.used", "GET /api/tickets/:number"],
      ["api_key.denied", "POST /api/tickets/:number/take"],
      ["api_key.denied", "GET /api/reports/summary"],
    ]);
    expect(uses[0]!.data).toMatchObject({ method: "POST", route: "/api/tickets", scope: "tickets:write" });
    const listed = await staffApi<{ items: KeyView[] }>(t.baseUrl, admin, "GET", "/api/admin/api-keys");
    expect(listed.body.items.find((k) => k.id === made.body.id)!.lastUsedAt).toBe(clock.toISOString());
  });

  it("tracking:write: a company system pushes tracking events with its key instead of a signature", async () => {
    const made = await create({ name: "WMS", scopes: ["tracking:write"] });
    const waybill = kind === "pglite" ? "SF3000000000012" : "SF3000000000029";
    const body = {
      events: [{ waybill, carrier: "SF", time: "2026-11-30T01:00:00Z", status: "1", description: "已揽收" }],
    };
    const pushed = await staffApi<{ stored: number }>(t.baseUrl, made.body.key, "POST", "/api/tracking/events", body);
    expect(pushed.status).toBe(200);
    expect(pushed.body.stored).toBe(1);
    expect(await t.app.db.prisma.shipment.count({ where: { waybill } })).toBe(1);
    const other = await create({ name: "CRM2", scopes: ["tickets:write"] });
    const denied = await staffApi<ErrorBody>(t.baseUrl, other.body.key, "POST", "/api/tracking/events", body);
    expect(denied.status).toBe(403);
    // A staff token is no signature (503: this app has no TRACKING_WEBHOOK_SECRET; keys need none).
    expect((await staffApi(t.baseUrl, admin, "POST", "/api/tracking/events", body)).status).toBe(503);
    const uses = await t.app.db.prisma.auditEvent.findMany({
      where: { actorType: "api_key", subjectId: "POST /api/tracking/events" },
    });
    expect(uses.map((u) => u.action).sort()).toEqual(["api_key.denied", "api_key.used"]);
  });

  it("no key ever appears in the logs (debug logs every request)", () => {
    const out = lines.join("");
    expect(out).toContain("/api/admin/api-keys");
    expect(out).not.toMatch(/kd_[A-Za-z0-9_-]{32}/);
  });
});
