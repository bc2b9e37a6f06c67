import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, TEST_REDIS_URL } from "../support/databases.js";
import { freePort, type ServerProcess, startServerProcess } from "../support/process.js";
import { WebchatClient } from "../support/webchat-client.js";

// `INSTANCES=2 npm start` in scale mode: two instances behind one port (node:cluster), started
// at the same moment on a fresh database, which is also what docker-compose's app ×2 does.
describe("INSTANCES=2 on one port", () => {
  let server: ServerProcess;
  let url: string;
  let dropDb: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshPostgres({ empty: true });
    url = db.url;
    dropDb = db.drop;
    server = await startServerProcess({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      ADMIN_PASSWORD: "admin-pass-123",
      DEMO_DATA: "false",
      INSTANCES: "2",
      PORT: String(await freePort()),
    });
  });
  afterAll(async () => {
    await server?.kill("SIGKILL");
    await dropDb?.();
  });

  it("both start on a fresh database (one seeds, one admin) and answer customers", async () => {
    // Both instances are up (a seeding race would have crashed one before it listened).
    await expect
      .poll(() => server.output().match(/instance \d listening/g)?.length ?? 0, { timeout: 60_000, interval: 50 })
      .toBe(2);
    expect(server.output()).toContain("starting 2 instances");
    expect(server.output()).not.toMatch(/exited|Unique constraint/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const admins = await client.query(`SELECT count(*)::int AS n FROM "Agent" WHERE username = 'admin'`);
      expect(admins.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
    const chats = await Promise.all(Array.from({ length: 6 }, () => WebchatClient.open(server.baseUrl)));
    const replies = await Promise.all(chats.map((c) => c.say("你好")));
    for (const r of replies) expect(r.map((m) => m.text).join("\n")).toContain("快递");
  });

  it("SIGTERM stops every instance and the group exits cleanly", async () => {
    const code = await server.kill("SIGTERM");
    expect(code).toBe(0);
    expect(server.output()).toContain("stopping instances");
  });
});
