#!/usr/bin/env node
// `npm test`: checks what the suite needs (PostgreSQL, Redis, Chromium), installs Debian's
// chromium when it is missing and we are root, then runs typecheck and every vitest project.
// A missing service fails the run with a clear message; nothing is silently skipped.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

const PG = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function reachable(url, defaultPort) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || defaultPort), timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function fail(message) {
  console.error(`\n✖ npm test cannot run: ${message}\n`);
  process.exit(1);
}

function findChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  return candidates.find((p) => p && fs.existsSync(p));
}

if (!(await reachable(PG, 5432))) {
  fail(
    `PostgreSQL is not reachable at ${PG.replace(/\/\/[^@]*@/, "//")}. Integration tests need a real server (set TEST_DATABASE_URL, or start it: pg_ctlcluster <version> main start).`,
  );
}
if (!(await reachable(REDIS, 6379))) {
  fail(
    `Redis is not reachable at ${REDIS}. Integration tests need a real server (set TEST_REDIS_URL, or start it: redis-server --daemonize yes).`,
  );
}

let chromium = findChromium();
if (!chromium) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = fs.existsSync("/usr/bin/apt-get");
  if (isRoot && hasApt) {
    console.log("Chromium not found: installing Debian's chromium package for the browser tests…");
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    const install = spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (update.status !== 0 || install.status !== 0) fail("apt-get install chromium failed (see above).");
    chromium = findChromium();
  }
  if (!chromium) {
    fail(
      "the browser tests need Chromium. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium/Chrome binary.",
    );
  }
}
// CJK glyphs for readable screenshots (artifacts); the tests themselves do not depend on fonts.
if (process.getuid?.() === 0 && fs.existsSync("/usr/bin/apt-get") && !fs.existsSync("/usr/share/fonts/truetype/wqy")) {
  const fonts = spawnSync("apt-get", ["install", "-y", "-qq", "fonts-wqy-microhei"], {
    stdio: "ignore",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (fonts.status !== 0)
    console.warn("(could not install fonts-wqy-microhei; screenshots may show boxes for Chinese)");
}
process.env.CHROMIUM_PATH = chromium;
process.env.TEST_DATABASE_URL = PG;
process.env.TEST_REDIS_URL = REDIS;

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const extra = process.argv.slice(2);
try {
  if (!extra.length) {
    console.log("▶ typecheck");
    execFileSync(bin("tsc"), ["--noEmit"], { stdio: "inherit" });
    console.log("▶ lint");
    execFileSync(bin("biome"), ["check", "."], { stdio: "inherit" });
  }
  console.log("▶ vitest");
  fs.mkdirSync("test-results", { recursive: true });
  const report = "test-results/vitest.json";
  fs.rmSync(report, { force: true });
  let status = 0;
  try {
    execFileSync(
      bin("vitest"),
      ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra],
      {
        stdio: "inherit",
      },
    );
  } catch (err) {
    status = typeof err.status === "number" ? err.status : 1;
  }
  // One plain closing line for CI: "Tests: N passed, N failed".
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(
      `Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`,
    );
  }
  process.exit(status);
} catch (err) {
  process.exit(typeof err.status === "number" ? err.status : 1);
}
