import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { freshPostgres, TEST_REDIS_URL } from "../support/databases.js";
import { freePort, type ServerProcess, startServerProcess } from "../support/process.js";
import { login, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

interface LiveEvent {
  type: string;
  conversationId?: string;
  message?: { author: string; text: string; direction: string };
}

function openSocket(url: string): Promise<{ ws: WebSocket; events: LiveEvent[] }> {
  const ws = new WebSocket(url);
  const events: LiveEvent[] = [];
  return new Promise((resolve, reject) => {
    ws.on("message", (raw) => {
      const e = JSON.parse(raw.toString()) as LiveEvent;
      events.push(e);
      if (e.type === "ready") resolve({ ws, events });
    });
    ws.on("error", reject);
  });
}

// Scale mode: two real instances on one PostgreSQL and one Redis. The customer talks to A,
// the agent works on B; messages flow both ways live; A dies and nothing is lost.
describe("two instances in scale mode", () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let dropDb: () => Promise<void>;
  beforeAll(async () => {
    const pg = await freshPostgres();
    dropDb = pg.drop;
    const env = {
      DATABASE_URL: pg.url,
      REDIS_URL: TEST_REDIS_URL,
      ADMIN_PASSWORD: "admin-pass-123",
      DEMO_DATA: "false",
    };
    a = await startServerProcess({ ...env, PORT: String(await freePort()) });
    b = await startServerProcess({ ...env, PORT: String(await freePort()) });
  });
  afterAll(async () => {
    await a?.kill("SIGKILL");
    await b?.kill("SIGTERM");
    await dropDb?.();
  });

  it("customer on A, agent on B: live both ways; A killed, nothing lost", async () => {
    const token = await login(b.baseUrl, "admin", "admin-pass-123");
    await staffApi(b.baseUrl, token, "PUT", "/api/agents/me/presence", { presence: "online" });
    const agent = await openSocket(
      `${b.baseUrl.replace("http", "ws")}/api/agents/ws?token=${encodeURIComponent(token)}`,
    );

    const chat = await WebchatClient.open(a.baseUrl);
    const customer = await openSocket(
      `${a.baseUrl.replace("http", "ws")}/api/webchat/ws?sessionId=${chat.sessionId}&token=${encodeURIComponent(chat.token)}`,
    );
    await chat.say("转人工");

    // The handoff raised on A reaches the console connected to B.
    await expect.poll(() => agent.events.find((e) => e.type === "handoff")?.conversationId).toBeTruthy();
    const conversationId = agent.events.find((e) => e.type === "handoff")!.conversationId!;
    agent.ws.send(JSON.stringify({ type: "watch", conversationId }));
    expect((await staffApi(b.baseUrl, token, "POST", `/api/conversations/${conversationId}/take`)).status).toBe(204);
    expect(
      (
        await staffApi(b.baseUrl, token, "POST", `/api/conversations/${conversationId}/reply`, {
          text: "B实例的客服回复",
        })
      ).status,
    ).toBe(201);

    // B's reply reaches the customer's socket on A; the customer's next message on A reaches B.
    await expect.poll(() => customer.events.some((e) => e.message?.text === "B实例的客服回复")).toBe(true);
    // The watch is in place on B (its Redis subscription is made asynchronously) once the
    // agent's own typing, published to the conversation's topic, comes back on B's socket.
    await expect
      .poll(
        () => {
          agent.ws.send(JSON.stringify({ type: "typing", conversationId }));
          return agent.events.some((e) => e.type === "typing" && e.conversationId === conversationId);
        },
        { interval: 500 },
      )
      .toBe(true);
    await chat.say("A实例的客户消息");
    await expect.poll(() => agent.events.some((e) => e.message?.text === "A实例的客户消息")).toBe(true);

    // A dies; the same session continues on B (no sticky sessions) and the history is whole.
    customer.ws.close();
    await a.kill("SIGKILL");
    const sameCustomerOnB = new WebchatClient(b.baseUrl, chat.sessionId, chat.token);
    await sameCustomerOnB.say("A挂了以后的消息");
    const texts = (await sameCustomerOnB.history()).map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(["转人工", "B实例的客服回复", "A实例的客户消息", "A挂了以后的消息"]));
    await expect.poll(() => agent.events.some((e) => e.message?.text === "A挂了以后的消息")).toBe(true);
    agent.ws.close();
  });
});
