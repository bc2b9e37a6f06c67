import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { eventually } from "../contract/channel.fakes.js";
import { WECHAT, wechatPush, wechatTextXml } from "../contract/channel.harnesses.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { freshPostgres } from "../support/databases.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { WebchatClient } from "../support/webchat-client.js";

// PostgreSQL "restarts" under the app (a proxy in front of the real server is cut, then
// restored): requests fail fast with 503 and Retry-After, nothing is half-written, and the
// service recovers by itself.
describe("PostgreSQL outage", () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let dropDb: () => Promise<void>;
  beforeAll(async () => {
    const pg = await freshPostgres();
    dropDb = pg.drop;
    const url = new URL(pg.url);
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await proxy.start();
    url.host = `127.0.0.1:${proxy.port}`;
    t = await startTestApp("postgres", { DATABASE_URL: url.toString() });
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => {});
    await t?.close();
    await proxy?.stop();
    await dropDb?.();
  });

  it("answers 503 with Retry-After while the database is down, and recovers without a restart", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    expect((await chat.say("你好")).length).toBeGreaterThan(0);

    await proxy.cut();
    // Fails fast: the answer comes while the database is still down (the proxy is restored only
    // below), so a request that waited for the database would never get it. No stopwatch: the
    // test's own timeout is the last-resort bound.
    const res = await chat.sendRaw({ text: "数据库挂了吗", clientMessageId: "during-outage" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAVAILABLE");
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(503);

    await proxy.restore();
    // The client retries the same message: stored once, answered once.
    await expect
      .poll(async () => (await chat.sendRaw({ text: "数据库挂了吗", clientMessageId: "during-outage" })).status)
      .toBe(200);
    const history = await chat.history();
    expect(history.filter((m) => m.text === "数据库挂了吗")).toHaveLength(1);
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
  });
});

// Issue 20: a database failure inside a turn (after the message was stored, before its answer
// was committed) used to commit "抱歉，系统开了个小差…" as the message's permanent answer: every
// re-send of the same clientMessageId returned the apology. Now the turn answers 503 and the
// message stays `received`, so a re-send (or a webhook's retry) after recovery gets the real answer.
const APOLOGY = "系统开了个小差";
const TRACK = "SF1438829301576 到哪了";

async function inbound(t: TestApp, text: string) {
  const { prisma } = t.app.db;
  const rows = await prisma.message.findMany({ where: { direction: "in", text }, select: { id: true, status: true } });
  return Promise.all(
    rows.map(async (m) => ({
      ...m,
      replies: await prisma.message.findMany({ where: { replyToId: m.id }, select: { text: true } }),
    })),
  );
}

describe("a database connection killed inside a turn (postgres)", () => {
  let t: TestApp;
  let admin: pg.Client;
  beforeAll(async () => {
    t = await startTestApp("postgres", {
      WECHAT_TOKEN: WECHAT.token,
      WECHAT_APP_ID: WECHAT.appId,
      WECHAT_APP_SECRET: WECHAT.appSecret,
      WECHAT_API_BASE: "http://127.0.0.1:9",
    });
    admin = new pg.Client({ connectionString: t.app.config.DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  /**
   * Runs `during` while the app's tracking lookup is blocked on a lock, then kills the app's
   * connection that waits (as an operator or a failover does: SQLSTATE 57P01) and releases the lock.
   */
  async function killTheTrackingLookup<T>(during: () => Promise<T>): Promise<T> {
    await admin.query("BEGIN");
    await admin.query('LOCK TABLE "Shipment" IN ACCESS EXCLUSIVE MODE');
    const pending = during();
    const pid = await eventually(
      async () =>
        (
          await admin.query<{ pid: number }>(
            // pg_locks spans the server: only this database's (another test's clone has the same oids).
            `SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'Shipment' AND NOT l.granted
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          )
        ).rows[0]?.pid,
    );
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await admin.query("COMMIT");
    return pending;
  }

  it("web chat: 503 while it fails, the real answer on the re-send, never the apology", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const res = await killTheTrackingLookup(() => chat.sendRaw({ text: TRACK, clientMessageId: "killed-mid-turn" }));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAVAILABLE");
    expect((await inbound(t, TRACK)).map((m) => m.status)).toEqual(["received"]);

    const again = await chat.sendRaw({ text: TRACK, clientMessageId: "killed-mid-turn" });
    expect(again.status).toBe(200);
    const replies = ((await again.json()) as { replies: { text: string }[] }).replies;
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => r.text).join("\n")).not.toContain(APOLOGY);
    const stored = await inbound(t, TRACK);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe("processed");
  });

  it("WeChat: the push is refused with 503 and the message left to be answered on WeChat's retry", async () => {
    const text = "SF1438829301590 到哪了";
    const xml = wechatTextXml({ from: "o_killed", content: text, msgId: "7100000000000000001" });
    const push = () => {
      const p = wechatPush(xml);
      return fetch(`${t.baseUrl}/webhooks/wechat?${p.query}`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: p.body,
      });
    };
    const res = await killTheTrackingLookup(push);
    expect(res.status).toBe(503);
    const stored = await inbound(t, text);
    expect(stored.map((m) => m.status)).toEqual(["received"]);
    expect(stored[0]!.replies).toEqual([]);

    expect((await push()).status).toBe(200); // WeChat retries a push that failed
    const after = await inbound(t, text);
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe("processed");
    expect(after[0]!.replies.length).toBeGreaterThan(0);
    expect(after[0]!.replies.map((r) => r.text).join("\n")).not.toContain(APOLOGY);
  });
});

// PGlite runs in-process and has no connection to lose: the fault is injected at the Database
// boundary (the driver call the tracking lookup makes), as a lost connection surfaces there.
describe("a database fault inside a turn (pglite)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("pglite");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 503, then the real answer on the re-send, never the apology", async () => {
    const db = t.app.db as { query: Database["query"] };
    const real = db.query.bind(t.app.db);
    let failures = 1;
    db.query = (async (sql: string, params?: unknown[], name?: string) => {
      if (name === "kd_tracking_lookup" && failures-- > 0) throw new Error("Connection terminated unexpectedly");
      return real(sql, params, name);
    }) as Database["query"];

    const chat = await WebchatClient.open(t.baseUrl);
    const res = await chat.sendRaw({ text: TRACK, clientMessageId: "fault-mid-turn" });
    expect(res.status).toBe(503);
    expect((await inbound(t, TRACK)).map((m) => m.status)).toEqual(["received"]);

    const again = await chat.sendRaw({ text: TRACK, clientMessageId: "fault-mid-turn" });
    expect(again.status).toBe(200);
    const replies = ((await again.json()) as { replies: { text: string }[] }).replies;
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => r.text).join("\n")).not.toContain(APOLOGY);
    expect((await inbound(t, TRACK)).map((m) => m.status)).toEqual(["processed"]);
  });
});
