// `npx tsx bench/tracking.bench.ts [--quick]`: tracking figures, printed.
//  1. Server time of a web chat turn answered from the shipment store (target p99 ≤ 20 ms),
//     measured with app.inject (no network), one turn at a time, on PGlite and PostgreSQL.
//  2. Webhook ingest throughput into PostgreSQL in batches of 1,000 (target ≥ 5,000 events/s),
//     through the HTTP route (HMAC + JSON + SQL) and the service alone, 1 and 4 concurrent senders.
import { randomUUID } from "node:crypto";
import pino from "pino";
import { type App, buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { DEMO_SHIPMENTS } from "../src/tracking/demo-data.js";
import type { IncomingEvent } from "../src/tracking/ingest.service.js";
import { signBody } from "../src/tracking/tracking.routes.js";
import { freshDataDir, freshPostgres } from "../test/support/databases.js";

const quick = process.argv.includes("--quick");
const TURNS = quick ? 300 : 2000;
const EVENTS = quick ? 20_000 : 100_000;
const SECRET = "bench-secret-0123456789abcdef";

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const fmt = (ms: number) => ms.toFixed(2).padStart(7);

async function start(kind: "pglite" | "postgres"): Promise<{ app: App; stop: () => Promise<void> }> {
  const env: Record<string, string> = {
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    ADMIN_PASSWORD: "bench-pass-123",
    TRACKING_WEBHOOK_SECRET: SECRET,
    RATE_LIMIT_SESSIONS_PER_MINUTE: "100000",
    RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
    PORT: "0",
  };
  let cleanup: () => Promise<void> | void;
  if (kind === "pglite") {
    const d = freshDataDir();
    env.DATA_DIR = d.dir;
    cleanup = d.remove;
  } else {
    const p = await freshPostgres();
    env.DATABASE_URL = p.url;
    cleanup = p.drop;
  }
  const app = await buildApp(loadConfig(env), { logger: pino({ level: "silent" }) });
  await app.server.ready();
  return {
    app,
    stop: async () => {
      await app.close();
      await cleanup();
    },
  };
}

async function turnLatency(kind: "pglite" | "postgres"): Promise<void> {
  const { app, stop } = await start(kind);
  try {
    const sessions: { path: string; auth: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await app.server.inject({ method: "POST", url: "/api/webchat/sessions", payload: {} });
      const { sessionId, token } = res.json() as { sessionId: string; token: string };
      sessions.push({ path: `/api/webchat/sessions/${sessionId}/messages`, auth: `Bearer ${token}` });
    }
    const waybills = DEMO_SHIPMENTS.map((s) => s.waybill);
    const turn = async (i: number, text?: string) => {
      const s = sessions[i % sessions.length]!;
      const t0 = performance.now();
      const res = await app.server.inject({
        method: "POST",
        url: s.path,
        headers: { authorization: s.auth },
        payload: { text: text ?? waybills[i % waybills.length]!, clientMessageId: randomUUID() },
      });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`turn ${res.statusCode}: ${res.body}`);
      return ms;
    };
    for (let i = 0; i < 50; i++) await turn(i); // warm-up (JIT, prepared plans, caches)
    const times: number[] = [];
    for (let i = 0; i < TURNS; i++) times.push(await turn(i));
    times.sort((a, b) => a - b);
    // The same turn without tracking work (a greeting): what the conversation runtime itself costs.
    const base: number[] = [];
    for (let i = 0; i < TURNS; i++) base.push(await turn(i, "你好"));
    base.sort((a, b) => a - b);

    const lookups: number[] = [];
    for (let i = 0; i < TURNS; i++) {
      const t0 = performance.now();
      await app.tracking.service.lookup(waybills[i % waybills.length]!);
      lookups.push(performance.now() - t0);
    }
    lookups.sort((a, b) => a - b);
    console.log(
      `${kind.padEnd(8)} track turn (web chat, ${TURNS} turns)  p50 ${fmt(pct(times, 50))} ms  p95 ${fmt(pct(times, 95))} ms  p99 ${fmt(pct(times, 99))} ms  max ${fmt(times.at(-1)!)} ms`,
    );
    console.log(
      `${kind.padEnd(8)} greeting turn (baseline)          p50 ${fmt(pct(base, 50))} ms  p95 ${fmt(pct(base, 95))} ms  p99 ${fmt(pct(base, 99))} ms  max ${fmt(base.at(-1)!)} ms`,
    );
    console.log(
      `${kind.padEnd(8)} store lookup alone                p50 ${fmt(pct(lookups, 50))} ms  p95 ${fmt(pct(lookups, 95))} ms  p99 ${fmt(pct(lookups, 99))} ms`,
    );
  } finally {
    await stop();
  }
}

/** `count` events over count/8 shipments (8 scans each), times spread over the last 3 days. */
const BASE = Date.now();
function makeEvents(count: number, seed: string): IncomingEvent[] {
  const now = BASE;
  const statuses = ["1", "0", "0", "0", "1001", "5", "3", "0"];
  return Array.from({ length: count }, (_, i) => {
    const ship = Math.floor(i / 8);
    return {
      waybill: `SF${seed}${String(ship).padStart(12 - seed.length, "0")}9`,
      carrier: "SF",
      time: new Date(now - 72 * 3_600_000 + (i % 8) * 3_600_000 + ship).toISOString(),
      status: statuses[i % 8]!,
      location: "上海市",
      description: `快件扫描 ${i % 8}：到达【上海转运中心】`,
      origin: "广州市",
      destination: "上海市",
    };
  });
}

async function ingestThroughput(kind: "pglite" | "postgres"): Promise<void> {
  const { app, stop } = await start(kind);
  try {
    const total = kind === "pglite" ? Math.min(EVENTS, 20_000) : EVENTS;
    for (const concurrency of kind === "pglite" ? [1] : [1, 4]) {
      for (const via of ["http", "service"] as const) {
        const events = makeEvents(total, `${concurrency}${via === "http" ? 1 : 2}`);
        const batches: IncomingEvent[][] = [];
        for (let i = 0; i < events.length; i += 1000) batches.push(events.slice(i, i + 1000));
        let next = 0;
        let stored = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < batches.length) {
              const batch = batches[next++]!;
              if (via === "service") {
                const summary = await app.tracking.ingest.ingest(batch);
                stored += summary.stored;
              } else {
                const body = JSON.stringify({ events: batch });
                const res = await app.server.inject({
                  method: "POST",
                  url: "/api/tracking/events",
                  headers: { "content-type": "application/json", "x-signature": signBody(body, SECRET) },
                  payload: body,
                });
                if (res.statusCode !== 200) throw new Error(`webhook ${res.statusCode}: ${res.body}`);
                stored += (res.json() as { stored: number }).stored;
              }
            }
          }),
        );
        const seconds = (performance.now() - t0) / 1000;
        console.log(
          `${kind.padEnd(8)} ingest via ${via.padEnd(7)} x${concurrency}: ${stored.toLocaleString("en")} events in ${seconds.toFixed(2)} s = ${Math.round(stored / seconds).toLocaleString("en")} events/s`,
        );
      }
    }
    // Re-sending stored events: the duplicate path (no writes to TrackingEvent).
    const again = makeEvents(Math.min(total, 20_000), "11");
    const t0 = performance.now();
    let dup = 0;
    for (let i = 0; i < again.length; i += 1000) {
      const summary = await app.tracking.ingest.ingest(again.slice(i, i + 1000));
      dup += summary.duplicate;
    }
    const s = (performance.now() - t0) / 1000;
    console.log(
      `${kind.padEnd(8)} re-sent duplicates x1: ${dup.toLocaleString("en")} in ${s.toFixed(2)} s = ${Math.round(dup / s).toLocaleString("en")} events/s`,
    );
  } finally {
    await stop();
  }
}

const kinds =
  (process.argv.find((a) => a === "--pglite" || a === "--postgres")?.slice(2) as "pglite" | "postgres" | undefined) ??
  undefined;
for (const kind of kinds ? [kinds] : (["pglite", "postgres"] as const)) {
  await turnLatency(kind);
  await ingestThroughput(kind);
}
