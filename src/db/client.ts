import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";

export type Db = PrismaClient;

/** The database as the app sees it: a Prisma client plus what the migrator and health checks need. */
export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly prisma: PrismaClient;
  /** Runs a multi-statement SQL script (migrations) in one transaction. */
  execScript(sql: string): Promise<void>;
  /**
   * Runs a single parameterised query outside Prisma: the turn's hot path, migrator bookkeeping,
   * advisory locks. `name` makes it a prepared statement on PostgreSQL (parsed and planned once
   * per connection). Driver-neutral results only: select bigint as text and timestamps as epoch
   * milliseconds (float8), since pg and PGlite parse those types differently.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<T[]>;
  /** Runs fn while holding a cluster-wide lock (PostgreSQL advisory lock; PGlite is single-process). */
  withLock<T>(lockId: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  pgliteDir: string;
  poolSize?: number;
  /** PostgreSQL only: max_parallel_workers_per_gather of every connection (default 0; see config). */
  parallelWorkersPerGather?: number;
  /**
   * PostgreSQL only: how long a query waits for a connection (to open one, or for a busy pool to
   * free one) before it fails, in ms (default 5,000).
   */
  connectionTimeoutMs?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl
    ? openPostgres(
        opts.databaseUrl,
        opts.poolSize ?? 10,
        opts.parallelWorkersPerGather ?? 0,
        opts.connectionTimeoutMs ?? 5000,
      )
    : openPglite(opts.pgliteDir);
}

/**
 * PGlite's 9 MB WebAssembly module, compiled by V8 on its background threads. Started before the
 * first await, so the compile overlaps whatever the caller does synchronously next (loading the
 * NLU model and the tokeniser, issue 20 start-up); PGlite would otherwise start it only after its
 * own asynchronous file reads, with the main thread busy or idle meanwhile.
 */
function compilePgliteWasm(): Promise<WebAssembly.Module> | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
    return WebAssembly.compile(fs.readFileSync(path.join(path.dirname(entry), "pglite.wasm")));
  } catch {
    return undefined; // a different layout: PGlite finds and compiles its module itself
  }
}

/** A fresh data folder: not there yet, or empty (a crash before initdb wrote anything). */
function isFreshDataDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

async function openPglite(dir: string): Promise<Database> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const compiling = compilePgliteWasm();
  // A fresh folder is copied from the install-time template (schema only) instead of initdb and
  // every migration: see pglite-template.ts. Imported lazily: warm starts never read it.
  if (isFreshDataDir(dir)) (await import("./pglite-template.js")).copyTemplate(dir);
  const wasmModule = await compiling?.catch(() => undefined);
  const pglite = new PGlite(dir, wasmModule ? { wasmModule } : {});
  await pglite.waitReady;
  return pgliteDatabase(pglite);
}

/** The app's view of an open PGlite instance (closing it closes the instance). */
export function pgliteDatabase(pglite: PGlite): Database {
  // pglite-prisma-adapter is typed against an older driver-adapter-utils (prisma-recipe.md).
  const adapter = new PrismaPGlite(pglite) as unknown as PrismaPg;
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  return {
    kind: "pglite",
    prisma,
    async execScript(sql) {
      await pglite.transaction(async (tx) => {
        await tx.exec(sql);
      });
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await pglite.query(sql, params);
      return res.rows as T[];
    },
    withLock: (_id, fn) => fn(),
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openPostgres(
  url: string,
  poolSize: number,
  parallelWorkers: number,
  connectionTimeoutMs: number,
): Promise<Database> {
  // Two pools of poolSize per instance: the raw one carries the turn's hot path (prepared
  // statements), Prisma the rest. Both set the session's parallel workers at connect (startup
  // option, no extra round trip).
  // pg lets the URL's own `?options=` replace this one: the URL's are moved into it, ours last.
  const parsed = new URL(url);
  const own = parsed.searchParams.get("options");
  parsed.searchParams.delete("options");
  const settings = {
    connectionString: parsed.toString(),
    max: poolSize,
    connectionTimeoutMillis: connectionTimeoutMs,
    options: [own, `-c max_parallel_workers_per_gather=${parallelWorkers}`].filter(Boolean).join(" "),
  };
  const pool = new pg.Pool(settings);
  pool.on("error", () => {}); // idle-client errors surface on the next query instead of crashing
  const prisma = new PrismaClient({ adapter: new PrismaPg(settings) });
  return {
    kind: "postgres",
    prisma,
    async execScript(sql) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(sql);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async query<T>(sql: string, params: unknown[] = [], name?: string) {
      const res = await pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
      return res.rows as T[];
    },
    async withLock(lockId, fn) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [lockId]);
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [lockId]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** A unique-constraint violation, whichever adapter raised it (they differ: prisma-recipe.md). */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as {
    code?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } };
  };
  if (e.code === "P2002" || e.code === "23505") return true;
  const adapterCause = e.meta?.driverAdapterError?.cause;
  if (adapterCause?.originalCode === "23505" || adapterCause?.kind === "UniqueConstraintViolation") return true;
  const cause = e.cause as { code?: unknown; originalCode?: unknown; kind?: unknown } | undefined;
  if (cause && (cause.code === "23505" || cause.originalCode === "23505" || cause.kind === "UniqueConstraintViolation"))
    return true;
  return false;
}

/** The database is unreachable (connection refused, terminated): the API answers 503. */
export function isConnectionError(err: unknown): boolean {
  const text = String((err as { message?: unknown })?.message ?? err);
  return /ECONNREFUSED|ECONNRESET|Connection terminated|connect ETIMEDOUT|DatabaseNotReachable|terminating connection|Can't reach database|57P01|the database system is (starting up|shutting down)/i.test(
    text,
  );
}

/** SQLSTATEs and Prisma codes of failures that pass: retrying the same work later can succeed. */
const TRANSIENT_CODES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "53300", // too_many_connections
  "57P01", // admin_shutdown (a killed backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "P1001", // can't reach the database
  "P1002", // timed out reaching it
  "P1008", // operation timed out
  "P1017", // server closed the connection
  "P2024", // timed out fetching a connection from the pool
  "P2034", // write conflict or deadlock
]);
const TRANSIENT_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionWriteConflict",
]);

/**
 * The database failed for a reason that passes (connection lost, pool exhausted, deadlock):
 * the request answers 503 and a turn is left `received` to run again, never answered with an
 * apology as if that were its answer (issue 20). Looks through Prisma's and the adapters' wrapping.
 */
export function isTransientError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (isConnectionError(e)) return true;
    const x = e as {
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    for (const c of [x.code, x.originalCode])
      if (typeof c === "string" && (TRANSIENT_CODES.has(c) || c.startsWith("08"))) return true;
    if (typeof x.kind === "string" && TRANSIENT_KINDS.has(x.kind)) return true;
    e = x.meta?.driverAdapterError ?? x.cause;
  }
  return false;
}

/**
 * A user's search text for Prisma's contains/startsWith (LIKE underneath): `%` and `_` are
 * literal characters, not wildcards (issue 20: `text=%` listed everything in scope).
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
