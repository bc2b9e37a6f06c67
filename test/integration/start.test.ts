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
  });
});
