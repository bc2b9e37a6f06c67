// `npm run bench [-- --quick]`: bot-turn throughput and latency over the web chat API, in
// embedded mode (PGlite) and scale mode (PostgreSQL + Redis), each against a baseline of a
// bare Fastify route doing the same minimum database work. Prints a table, then as the last
// line the JSON { embedded: {...}, scale: {...} }.

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { freshDataDir, freshPostgres, TEST_REDIS_URL } from "../test/support/databases.js";
import { freePort, type ServerProcess, startServerProcess } from "../test/support/process.js";
import { closedLoop, type LoadResult, OPEN_LOOP_FRACTION, openLoop, openLoopRate, type Target } from "./load.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a === "--embedded" || a === "--scale");
// The open-loop rate is a share of the baseline measured in the same run (issue 20), so its p99
// means the same on a slow and on a fast day of this shared machine. `--open-fraction 0.4` overrides.
const fractionFlag = process.argv.indexOf("--open-fraction");
const openFraction = fractionFlag > 0 ? Number(process.argv[fractionFlag + 1]) : OPEN_LOOP_FRACTION;
if (!(openFraction > 0 && openFraction <= 1)) throw new Error("--open-fraction must be in (0, 1]");
const CONNECTIONS = 100;
// --quick must finish within 60 s for both modes, process start-ups included.
const CLOSED_SECONDS = quick ? 3 : 15;
const OPEN_SECONDS = quick ? 2 : 10;
const WARMUP_SECONDS = quick ? 0.5 : 1;

// Realistic customer messages: tracking questions, complaints, greetings, progress checks.
const TEXTS = [
  "我的快递到哪了 SF1438829301576",
  "你好",
  "查一下 75123456789012 这个件",
  "快递三天了还没到，怎么回事",
  "快递员态度太差了，我要投诉",
  "包裹破了，里面东西摔坏了",
  "我的投诉处理得怎么样了",
  "YT7412345678901 到哪里了？",
  "谢谢",
  "没经过我同意就放驿站了",
];

function webchatTarget(baseUrl: string): Target {
  return {
    async setup(i) {
      const res = await fetch(`${baseUrl}/api/webchat/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      if (res.status !== 201) throw new Error(`session: ${res.status} ${await res.text()}`);
      const { sessionId, token } = (await res.json()) as { sessionId: string; token: string };
      let n = i;
      return () => ({
        path: `/api/webchat/sessions/${sessionId}/messages`,
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ text: TEXTS[n++ % TEXTS.length], clientMessageId: randomUUID() }),
      });
    },
  };
}

const baselineTarget: Target = {
  async setup(i) {
    let n = i;
    return () => ({ path: "/turn", headers: {}, body: JSON.stringify({ text: TEXTS[n++ % TEXTS.length] }) });
  },
};

async function startBaseline(env: Record<string, string>): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "bench/baseline.server.ts"], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d) => d.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`baseline exited ${code}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

interface ModeFigures {
  turnsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  baselinePerSec: number;
  ratio: number;
  openLoop: { fractionOfBaseline: number; ratePerSec: number; p50Ms: number; p99Ms: number; errors: number };
  errors: number;
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function runMode(mode: "embedded" | "scale"): Promise<ModeFigures> {
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const env: Record<string, string> = {
      LOG_LEVEL: "warn",
      ADMIN_PASSWORD: "bench-admin-pass",
      // The load comes from one address and one session per virtual user sends fast.
      RATE_LIMIT_SESSIONS_PER_MINUTE: "1000000",
      RATE_LIMIT_MESSAGES_PER_MINUTE: "1000000",
    };
    const baseEnv: Record<string, string> = {};
    if (mode === "embedded") {
      const d = freshDataDir();
      const b = freshDataDir();
      cleanups.push(d.remove, b.remove);
      env.DATA_DIR = d.dir;
      baseEnv.DATA_DIR = b.dir;
    } else {
      const p = await freshPostgres();
      const b = await freshPostgres();
      cleanups.push(p.drop, b.drop);
      env.DATABASE_URL = p.url;
      env.REDIS_URL = TEST_REDIS_URL;
      baseEnv.DATABASE_URL = b.url;
    }

    const baseline = await startBaseline(baseEnv);
    cleanups.push(baseline.stop);
    await closedLoop(baseline.baseUrl, baselineTarget, 10, WARMUP_SECONDS); // warm-up
    const base = await closedLoop(baseline.baseUrl, baselineTarget, CONNECTIONS, CLOSED_SECONDS);
    await baseline.stop();
    cleanups.pop();

    const server: ServerProcess = await startServerProcess({ ...env, PORT: String(await freePort()) });
    cleanups.push(async () => void (await server.kill("SIGTERM")));
    await closedLoop(server.baseUrl, webchatTarget(server.baseUrl), 10, WARMUP_SECONDS); // warm-up (JIT, caches)
    const product = await closedLoop(server.baseUrl, webchatTarget(server.baseUrl), CONNECTIONS, CLOSED_SECONDS);
    const rate = openLoopRate(base.perSec, openFraction);
    process.stderr.write(
      `bench: ${mode} open loop at ${Math.round(openFraction * 100)}% of the baseline's ${Math.round(base.perSec)}/s = ${rate}/s\n`,
    );
    const open: LoadResult = await openLoop(server.baseUrl, webchatTarget(server.baseUrl), 500, rate, OPEN_SECONDS);

    const figures: ModeFigures = {
      turnsPerSec: round(product.perSec, 0),
      p50Ms: round(product.p50Ms),
      p99Ms: round(product.p99Ms),
      baselinePerSec: round(base.perSec, 0),
      ratio: round(product.perSec / base.perSec, 2),
      openLoop: {
        fractionOfBaseline: openFraction,
        ratePerSec: rate,
        p50Ms: round(open.p50Ms),
        p99Ms: round(open.p99Ms),
        errors: open.errors,
      },
      errors: product.errors,
    };
    return figures;
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}

const results: Partial<Record<"embedded" | "scale", ModeFigures>> = {};
for (const mode of ["embedded", "scale"] as const) {
  if (only && only !== `--${mode}`) continue;
  process.stderr.write(`bench: ${mode} mode (${quick ? "quick" : "full"})…\n`);
  results[mode] = await runMode(mode);
}

const rows = Object.entries(results).map(([mode, f]) => ({
  mode,
  "turns/s": f.turnsPerSec,
  "p50 ms": f.p50Ms,
  "p99 ms": f.p99Ms,
  "baseline/s": f.baselinePerSec,
  ratio: f.ratio,
  "open-loop rate": `${f.openLoop.ratePerSec} (${Math.round(f.openLoop.fractionOfBaseline * 100)}% of baseline)`,
  "open p50 ms": f.openLoop.p50Ms,
  "open p99 ms": f.openLoop.p99Ms,
  errors: f.errors + f.openLoop.errors,
}));
console.table(rows);
console.log(
  JSON.stringify(
    Object.fromEntries(
      Object.entries(results).map(([m, f]) => [
        m,
        {
          turnsPerSec: f.turnsPerSec,
          p50Ms: f.p50Ms,
          p99Ms: f.p99Ms,
          baselinePerSec: f.baselinePerSec,
          ratio: f.ratio,
          openLoop: f.openLoop,
        },
      ]),
    ),
  ),
);
