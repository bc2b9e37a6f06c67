import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueNameFor } from "../../src/scheduler/bullmq.scheduler.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { TEST_REDIS_URL } from "../support/databases.js";
import { WebchatClient } from "../support/webchat-client.js";
import { api, eventually, staffLogin, TICKET_NUMBER } from "./ticket.helpers.js";

// Issue 20: a survey trigger was lost when Redis restarted empty (the row stayed `scheduled`
// past sendAt until the app restarted). In scale mode every armed timer is also a database row,
// and the sweep fires it without Redis.
describe("scale mode: a survey whose Redis trigger was lost is sent by the database sweep", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("postgres", { REDIS_URL: TEST_REDIS_URL, SURVEY_DELAY_SECONDS: "3600", DEMO_DATA: "false" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sends the survey after this deployment's queue is emptied", async () => {
    expect(t.app.config.mode).toBe("scale");
    const li = await staffLogin(t.app, t.baseUrl, "li", "agent", ["logistics"]);
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我要投诉，快递三天了还没送到，物流一直不动，单号SF1234567890123，电话13800001111");
    const done = await chat.say("确认");
    const number = TICKET_NUMBER.exec(done[0]?.text ?? "")?.[0] as string;
    expect(number, done[0]?.text).toBeTruthy();
    expect((await api(t.baseUrl, "POST", `/api/tickets/${number}/take`, li.token, {})).status).toBe(200);
    expect(
      (
        await api(t.baseUrl, "POST", `/api/tickets/${number}/resolve`, li.token, {
          resolution: "已加急派送",
          rootCause: "non_quality",
        })
      ).status,
    ).toBe(200);
    const prisma = t.app.db.prisma;
    const survey = await eventually(() => prisma.survey.findFirst({ where: { ticket: { number } } }));
    expect(survey.status).toBe("scheduled");

    // Redis restarts empty for this deployment: only its own queue and due hash, never FLUSHALL
    // (other tests share the Redis).
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`*${queueNameFor(t.app.config.DATABASE_URL as string)}*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    await redis.quit();

    // The hour passes: the survey and its timer row fall due.
    await prisma.survey.update({ where: { id: survey.id }, data: { sendAt: new Date(Date.now() - 60_000) } });
    await prisma.timer.update({
      where: { key: `survey:${survey.id}` },
      data: { dueAt: new Date(Date.now() - 60_000) },
    });

    expect(await t.app.scheduler.sweep()).toBeGreaterThan(0);
    expect((await prisma.survey.findUniqueOrThrow({ where: { id: survey.id } })).status).toBe("sent");
    const question = await eventually(async () =>
      (await chat.history()).find((m) => m.direction === "out" && m.text.includes("满意吗")),
    );
    expect(question.text).toContain(number);
  });
});
