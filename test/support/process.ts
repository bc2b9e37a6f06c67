import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the service as a real process, as `npm start` does (the compiled dist/), and waits until it is ready.
 * `timeoutMs` is a last-resort bound for a loaded box (a start takes ~5 s alone, 25–40 s at load 12).
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 150_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", LOG_PRETTY: "false", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d.toString()));
  child.stderr?.on("data", (d) => (out += d.toString()));
  const port = env.PORT ?? "3000";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!out.includes("is ready")) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early:\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server not ready in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * The env of a server process on a database of its own (a fresh data folder, or a fresh
 * PostgreSQL database), on a free port with a known admin password; the cleanup that removes the
 * database is pushed onto `cleanups`.
 */
export async function freshServerEnv(
  kind: "pglite" | "postgres",
  cleanups: (() => Promise<void> | void)[],
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const { freshDataDir, freshPostgres } = await import("./databases.js");
  const env: Record<string, string> = { PORT: String(await freePort()), ADMIN_PASSWORD: "admin-pass-123", ...extra };
  if (kind === "pglite") {
    const d = freshDataDir();
    cleanups.push(d.remove);
    env.DATA_DIR = d.dir;
  } else {
    const p = await freshPostgres();
    cleanups.push(p.drop);
    env.DATABASE_URL = p.url;
  }
  return env;
}
