import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { freshPostgres } from "../support/databases.js";
import { login, staffApi } from "../support/staff.js";

// Issue 21: the legacy SLA webhook (SLA_WEBHOOK_URL, SLA_WEBHOOK_SECRET) is a webhook subscription.
// At start-up the app keeps one `sla_legacy` subscription in step with the variables; its receiver
// gets the body and headers it always got ({ id, type, at, ticket, clock }, x-kd-event-id the bare
// event id, signed with SLA_WEBHOOK_SECRET), once per event, now with the subscription system's
// log; an on-premises address configured there is not refused as SSRF; several instances starting
// at once keep one subscription; removing the variable turns it off.
interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; ticket: { number: string; priority: string }; clock: { kind: string } };
}

describe("SLA_WEBHOOK_URL as a webhook subscription (postgres)", () => {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({ path: req.url ?? "", headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  let base = "";
  let db: { url: string; drop: () => Promise<void> };
  // Pinned, later than any real "now": deliveries are stamped by the database's clock.
  let clock = new Date("2031-03-04T02:00:00Z");
  const SECRET = "legacy-secret-0123456789";
  const apps: App[] = [];

  const start = async (env: Record<string, string>): Promise<{ app: App; url: string }> => {
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
      ADMIN_PASSWORD: "admin-pass-123",
      DEMO_DATA: "false",
      DATABASE_URL: db.url,
      WEBHOOK_POLL_MS: "3600000",
      ...env,
    });
    const app = await buildApp(config, { logger: pino({ level: "silent" }), now: () => clock });
    apps.push(app);
    await app.listen();
    const address = app.server.server.address() as AddressInfo;
    return { app, url: `http://127.0.0.1:${address.port}` };
  };
  const stop = async (app: App) => {
    await app.close();
    apps.splice(apps.indexOf(app), 1);
  };
  const legacyRows = (app: App) => app.db.prisma.webhookSubscription.findMany({ where: { format: "sla_legacy" } });
  const signed = (secret: string, h: Hit) =>
    h.headers["x-kd-signature"] ===
    `sha256=${createHmac("sha256", secret).update(`${h.headers["x-kd-timestamp"]}.${h.body}`).digest("hex")}`;

  beforeAll(async () => {
    base = await new Promise<string>((r) =>
      server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
    );
    db = await freshPostgres();
  });
  afterAll(async () => {
    for (const a of [...apps]) await a.close();
    await db?.drop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** Opens a complaint and takes its first-response clock past the warning and the due time. */
  async function warnAndBreach(app: App, url: string): Promise<string> {
    const token = await login(url, "admin", "admin-pass-123");
    const created = await staffApi<{ number: string; slaClocks: { id: string; kind: string }[] }>(
      url,
      token,
      "POST",
      "/api/tickets",
      { category: "DELAY", description: "快递延误三天了", customerPhone: "13800138000" },
    );
    expect(created.status).toBe(201);
    const fr = created.body.slaClocks.find((c) => c.kind === "first_response")!;
    const t0 = clock;
    clock = new Date(t0.getTime() + 25 * 60_000);
    await app.sla.fire(fr.id);
    clock = new Date(t0.getTime() + 31 * 60_000);
    await app.sla.fire(fr.id);
    while (await app.webhookDispatcher.dispatchDue()) {}
    clock = t0;
    return created.body.number;
  }

  it("start-up makes it a subscription; the receiver gets the legacy body, signed, once per event", async () => {
    const { app, url } = await start({ SLA_WEBHOOK_URL: `${base}/sla`, SLA_WEBHOOK_SECRET: SECRET });
    const token = await login(url, "admin", "admin-pass-123");
    const list = await staffApi<{ items: { id: string; url: string; events: string[]; format: string }[] }>(
      url,
      token,
      "GET",
      "/api/admin/webhooks",
    );
    expect(list.body.items).toHaveLength(1);
    const sub = list.body.items[0]!;
    expect(sub).toMatchObject({ url: `${base}/sla`, events: ["sla.warning", "sla.breached"], format: "sla_legacy" });

    const number = await warnAndBreach(app, url);
    // Nothing more arrives later (no second path posting the same events): no delivery is left
    // for the dispatcher, no old-style `slahook` trigger is armed, and every trigger due now has run.
    expect(await app.webhookDispatcher.dispatchDue()).toBe(0);
    expect(await app.db.prisma.timer.count({ where: { key: { startsWith: "slahook:" } } })).toBe(0);
    await app.scheduler.sweep();
    const mine = hits.filter((h) => h.json.ticket?.number === number);
    expect(mine.map((h) => [h.path, h.json.type, h.json.clock.kind])).toEqual([
      ["/sla", "sla.warning", "first_response"],
      ["/sla", "sla.breached", "first_response"],
    ]);
    expect(mine.every((h) => signed(SECRET, h))).toBe(true);
    for (const h of mine) {
      expect(Object.keys(h.json).sort()).toEqual(["at", "clock", "id", "ticket", "type"]);
      expect(h.json.id).toMatch(/^\d+$/);
      expect(h.headers["x-kd-event-id"]).toBe(h.json.id);
    }
    expect(mine[1]!.json.ticket.priority).toBe("high");
    const log = await staffApi<{ items: { status: string; event: string }[] }>(
      url,
      token,
      "GET",
      `/api/admin/webhooks/${sub.id}/deliveries`,
    );
    expect(log.body.items.map((d) => [d.event, d.status])).toEqual([
      ["sla.breached", "delivered"],
      ["sla.warning", "delivered"],
    ]);
    await stop(app);
  });

  it("instances starting at once keep one subscription, brought in step with a changed URL and secret", async () => {
    const env = { SLA_WEBHOOK_URL: `${base}/sla-v2`, SLA_WEBHOOK_SECRET: "another-secret-98765432" };
    const [a, b] = await Promise.all([start(env), start(env)]);
    const rows = await legacyRows(a.app);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ url: `${base}/sla-v2`, secret: "another-secret-98765432", enabled: true });
    await stop(b.app);
    hits.length = 0;
    await warnAndBreach(a.app, a.url);
    expect(hits.map((h) => h.path)).toEqual(["/sla-v2", "/sla-v2"]);
    expect(hits.every((h) => signed("another-secret-98765432", h))).toBe(true);
    await stop(a.app);
  });

  it("without SLA_WEBHOOK_URL the subscription is turned off (nothing posted); setting it again turns it on", async () => {
    const off = await start({});
    const rows = await legacyRows(off.app);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ enabled: false, disabledReason: "SLA_WEBHOOK_URL is no longer set" });
    hits.length = 0;
    await warnAndBreach(off.app, off.url);
    expect(hits).toHaveLength(0);
    await stop(off.app);

    const on = await start({ SLA_WEBHOOK_URL: `${base}/sla` });
    const again = await legacyRows(on.app);
    expect(again).toHaveLength(1);
    // The secret stays what it was when the variable gives none.
    expect(again[0]).toMatchObject({ enabled: true, disabledReason: null, url: `${base}/sla` });
    expect(again[0]!.secret).toBe("another-secret-98765432");
    await stop(on.app);
  });
});
