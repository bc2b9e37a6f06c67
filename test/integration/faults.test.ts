import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    const started = Date.now();
    const res = await chat.sendRaw({ text: "数据库挂了吗", clientMessageId: "during-outage" });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAVAILABLE");
    expect(elapsed).toBeLessThan(15_000);
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(503);

    await proxy.restore();
    // The client retries the same message: stored once, answered once.
    await expect
      .poll(async () => (await chat.sendRaw({ text: "数据库挂了吗", clientMessageId: "during-outage" })).status, {
        timeout: 20_000,
        interval: 500,
      })
      .toBe(200);
    const history = await chat.history();
    expect(history.filter((m) => m.text === "数据库挂了吗")).toHaveLength(1);
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
  });
});
