import pino from "pino";
import { type App, type BuildOptions, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { PaddleTextReader, type TextReader } from "../../src/images/ocr.js";
import { freshDataDir, freshPostgres } from "./databases.js";

export type DbKind = "pglite" | "postgres";
export const DB_KINDS: DbKind[] = ["pglite", "postgres"];

let sharedReader: PaddleTextReader | undefined;

/**
 * One PaddleOCR worker for every test app of this process: the model loads once (seconds on the
 * loaded 2-core box), not once per app that reads an image. Its close is not passed on (an app's
 * close would end the worker the next app uses); the worker is unref'd, so it never keeps the
 * process alive. Reads stay one at a time, as in one app.
 */
export function sharedOcr(): TextReader {
  sharedReader ??= new PaddleTextReader();
  const reader = sharedReader;
  return { read: (image) => reader.read(image) };
}

export interface TestApp {
  app: App;
  baseUrl: string;
  close(): Promise<void>;
}

/** A real app on a fresh database (PGlite dir or PostgreSQL database), listening on a free port. */
export async function startTestApp(
  kind: DbKind,
  env: Record<string, string> = {},
  opts: BuildOptions = {},
): Promise<TestApp> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const base: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    ADMIN_PASSWORD: "admin-pass-123",
    SCHEDULER_POLL_MS: "50",
    RATE_LIMIT_SESSIONS_PER_MINUTE: "10000",
  };
  if (kind === "pglite") {
    const d = freshDataDir();
    base.DATA_DIR = d.dir;
    cleanups.push(d.remove);
  } else {
    const p = await freshPostgres();
    base.DATABASE_URL = p.url;
    cleanups.push(p.drop);
  }
  const config = loadConfig({ ...base, ...env });
  const app = await buildApp(config, { logger: pino({ level: env.LOG_LEVEL ?? "silent" }), ocr: sharedOcr(), ...opts });
  await app.listen();
  const address = app.server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      for (const c of cleanups.reverse()) await c();
    },
  };
}
