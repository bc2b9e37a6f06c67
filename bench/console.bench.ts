// `npx tsx bench/console.bench.ts [--quick] [--scale]`: how long a customer's message takes to
// reach the agent's open console (WebSocket), with 50 agents connected and 500 active
// conversations handed to them. Latency = from the customer's POST to the agent's socket.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { freshDataDir, freshPostgres, TEST_REDIS_URL } from "../test/support/databases.js";
import { freePort, startServerProcess } from "../test/support/process.js";
import { login, staffApi } from "../test/support/staff.js";
import { WebchatClient } from "../test/support/webchat-client.js";

const quick = process.argv.includes("--quick");
const scale = process.argv.includes("--scale");
const AGENTS = 50;
const CONVERSATIONS = quick ? 200 : 500;
const RATE = quick ? 50 : 100; // customer messages per second
const SECONDS = quick ? 5 : 15;

const cleanups: (() => Promise<void> | void)[] = [];
try {
  const env: Record<string, string> = {
    LOG_LEVEL: "warn",
    ADMIN_PASSWORD: "bench-admin-pass",
    DEMO_DATA: "false",
    RATE_LIMIT_SESSIONS_PER_MINUTE: "1000000",
    RATE_LIMIT_MESSAGES_PER_MINUTE: "1000000",
    RATE_LIMIT_LOGINS_PER_MINUTE: "1000000",
    PORT: String(await freePort()),
  };
  if (scale) {
    const pg = await freshPostgres();
    cleanups.push(pg.drop);
    Object.assign(env, { DATABASE_URL: pg.url, REDIS_URL: TEST_REDIS_URL });
  } else {
    const d = freshDataDir();
    cleanups.push(d.remove);
    env.DATA_DIR = d.dir;
  }
  const server = await startServerProcess(env);
  cleanups.push(async () => void (await server.kill("SIGTERM")));
  const base = server.baseUrl;
  const adminToken = await login(base, "admin", "bench-admin-pass");

  process.stderr.write(`setting up ${AGENTS} agents and ${CONVERSATIONS} conversations…\n`);
  const agents: { token: string; ws: WebSocket; waiting: Map<string, number> }[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const username = `bench${i}`;
    const res = await staffApi(base, adminToken, "POST", "/api/admin/agents", {
      username,
      displayName: `客服${i}`,
      password: "bench-pass-123",
    });
    if (res.status !== 201) throw new Error(`create agent: ${res.status}`);
    const token = await login(base, username, "bench-pass-123");
    const ws = new WebSocket(`${base.replace("http", "ws")}/api/agents/ws?token=${encodeURIComponent(token)}`);
    const waiting = new Map<string, number>();
    await new Promise<void>((resolve) =>
      ws.on("message", (raw) => {
        const e = JSON.parse(raw.toString()) as { type: string; message?: { text: string; direction: string } };
        if (e.type === "ready") resolve();
        if (e.type === "message" && e.message?.direction === "in") {
          const sentAt = waiting.get(e.message.text);
          if (sentAt !== undefined) {
            latencies.push(performance.now() - sentAt);
            waiting.delete(e.message.text);
          }
        }
      }),
    );
    agents.push({ token, ws, waiting });
  }
  const latencies: number[] = [];

  const chats: { chat: WebchatClient; agent: (typeof agents)[number] }[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const chat = await WebchatClient.open(base);
    await chat.say("转人工");
    const agent = agents[i % AGENTS]!;
    const queue = await staffApi<{ conversations: { id: string }[] }>(
      base,
      agent.token,
      "GET",
      "/api/conversations?filter=queued",
    );
    const conversationId = queue.body.conversations.at(-1)!.id;
    if ((await staffApi(base, agent.token, "POST", `/api/conversations/${conversationId}/take`)).status !== 204)
      throw new Error("take failed");
    agent.ws.send(JSON.stringify({ type: "watch", conversationId }));
    chats.push({ chat, agent });
  }
  await new Promise((r) => setTimeout(r, 500));

  process.stderr.write(`sending ${RATE} customer messages/s for ${SECONDS} s…\n`);
  const total = RATE * SECONDS;
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { chat, agent } = chats[i % chats.length]!;
    const text = `客户消息 ${randomUUID().slice(0, 8)}`;
    agent.waiting.set(text, performance.now());
    sends.push(chat.say(text));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const a of agents) a.ws.close();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(
      (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN) * 10,
    ) / 10;
  const result = {
    mode: scale ? "scale" : "embedded",
    agents: AGENTS,
    conversations: CONVERSATIONS,
    messages: total,
    delivered: latencies.length,
    p50Ms: pct(50),
    p99Ms: pct(99),
    maxMs: Math.round((latencies.at(-1) ?? Number.NaN) * 10) / 10,
  };
  console.table([result]);
  console.log(JSON.stringify(result));
} finally {
  for (const c of cleanups.reverse()) await c();
}
