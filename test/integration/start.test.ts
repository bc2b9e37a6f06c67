import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/process.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Command lines of a process and all its descendants (Linux /proc). */
function processTree(pid: number): string[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: string[] = [];
  const visit = (p: number) => {
    try {
      out.push(readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").join(" ").trim());
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

// Issue 20: `npm start` transpiled every module through tsx before the service's own clock
// started (~5 s of a 7–10 s start-up). It now runs the JavaScript compiled at install.
describe("npm start", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "kd-start-"));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    const group = child?.pid;
    if (group) {
      // The whole process group: npm does not always pass SIGTERM on to the script it runs.
      const alive = () => {
        try {
          process.kill(-group, 0);
          return true;
        } catch {
          return false;
        }
      };
      if (alive()) process.kill(-group, "SIGTERM");
      for (let i = 0; i < 300 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive()) process.kill(-group, "SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs the compiled JavaScript with no TypeScript loader and answers /healthz", async () => {
    // The code cache is made by the run that finds none (see the next test).
    for (const f of readdirSync(path.join(ROOT, "dist")))
      if (f.startsWith(".v8-cache-")) rmSync(path.join(ROOT, "dist", f));
    const port = await freePort();
    // detached: npm's own process group, so SIGTERM reaches the service through npm.
    child = spawn("npm", ["start", "--silent"], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout?.on("data", (d) => (out += d.toString()));
    child.stderr?.on("data", (d) => (out += d.toString()));
    await expect.poll(() => out, { timeout: 90_000, interval: 100 }).toContain("is ready");

    const tree = processTree(child.pid as number);
    expect(tree.some((cmd) => cmd.includes("scripts/start.mjs"))).toBe(true);
    expect(tree.filter((cmd) => /\btsx\b|\.ts\b/.test(cmd))).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // The bundle (one CommonJS file, scripts/build.mjs) serves what the per-file build did: the
    // pages (files found through each module's own import.meta.url), a chat turn (NLU model,
    // jieba, the knowledge base, Prisma's query compiler loaded by require), argon2 logins.
    const base = `http://127.0.0.1:${port}`;
    for (const page of ["/", "/console", "/admin", "/docs/json"])
      expect((await fetch(`${base}${page}`)).status).toBe(200);
    const session = (await (
      await fetch(`${base}/api/webchat/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      })
    ).json()) as { sessionId: string; token: string };
    const turn = await fetch(`${base}/api/webchat/sessions/${session.sessionId}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ text: "能寄充电宝吗", clientMessageId: "start-test-1" }),
    });
    expect(turn.status).toBe(200);
    const { replies } = (await turn.json()) as { replies: { text: string }[] };
    expect(replies.map((r) => r.text).join("\n")).toContain("充电宝");
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "not-the-password" }),
    });
    expect(login.status).toBe(401);
    expect(out).not.toMatch(/Warning|Error/);
  });

  it("saves V8's code cache of this build when it stops, for the next start to skip compiling", async () => {
    const group = child?.pid as number;
    process.kill(-group, "SIGTERM");
    const built = readFileSync(path.join(ROOT, "dist/.built"), "utf8")
      .trim()
      .replace(/[^\w.-]+/g, "_");
    await expect
      .poll(() => readdirSync(path.join(ROOT, "dist"), { withFileTypes: true }).map((e) => e.name), {
        timeout: 30_000,
        interval: 100,
      })
      .toContain(`.v8-cache-${built}`);
  });
});
