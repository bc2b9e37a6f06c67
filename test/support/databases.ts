import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { readMigrations } from "../../src/db/migrate.js";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const TEMPLATE_PREFIX = "kd_tpl_";

/**
 * The migrated PostgreSQL template for the committed migrations: named by their checksums, so a
 * template made before a migration was added or changed is never cloned (as the PGlite one).
 */
export function postgresTemplateName(): string {
  const key = createHash("sha256");
  for (const m of readMigrations()) key.update(`${m.name} ${m.checksum}\n`);
  return `${TEMPLATE_PREFIX}${key.digest("hex").slice(0, 16)}`;
}

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function urlOf(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Makes the migrated template when it is missing (the integration projects' global setup does it
 * once per run): every migration applied by the app's own migrator, schema only, no seed rows
 * (the app's first start still seeds). Built under another name and renamed, so a clone never
 * sees half a template; closed to connections, so nothing holds it open while it is cloned.
 * Templates of other migrations are dropped.
 */
export async function ensurePostgresTemplate(): Promise<string> {
  const template = postgresTemplateName();
  const exists = async (admin: pg.Client) =>
    (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount === 1;
  if (await withAdmin(exists)) return template;
  const work = `kd_tplbuild_${randomBytes(4).toString("hex")}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${work}`));
  try {
    const { openDatabase } = await import("../../src/db/client.js");
    const { migrate } = await import("../../src/db/migrate.js");
    const db = await openDatabase({ databaseUrl: urlOf(work), pgliteDir: "" });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    await withAdmin(async (admin) => {
      if (await exists(admin)) return; // another run made it meanwhile
      await admin.query(`ALTER DATABASE ${work} WITH ALLOW_CONNECTIONS false`);
      await admin.query(`ALTER DATABASE ${work} RENAME TO ${template}`);
    });
  } finally {
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${work} WITH (FORCE)`));
  }
  await withAdmin(async (admin) => {
    const stale = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2",
      [`${TEMPLATE_PREFIX}%`, template],
    );
    for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => {});
  });
  return template;
}

/** The name every database of this run starts with (provided by the global setup). */
function runPrefix(): string | undefined {
  try {
    return inject("kdPostgresRun");
  } catch {
    return undefined; // outside a vitest worker (a script): no run to drop it with
  }
}

/**
 * A fresh PostgreSQL database on the test server. It is a clone of the migrated template (every
 * migration applied, none of the rows the app seeds: what a first start finds after migrating);
 * cloning takes a fraction of what running the migrations takes. `empty: true` gives an empty
 * database instead, for tests of what a first start on a blank server does (migrating, instances
 * racing to migrate).
 *
 * `drop` ends its use: inside a test run the database is dropped with the run's others by the
 * global setup's teardown, all at once — each DROP DATABASE forces a checkpoint (seconds on a
 * loaded machine), and concurrent drops share one. Outside a run `drop` drops it at once.
 */
export async function freshPostgres(
  opts: { empty?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const run = runPrefix();
  const name = `${run ?? "kd_test_"}${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  if (opts.empty) await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  else {
    const clone = (template: string) =>
      withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
    try {
      await clone(postgresTemplateName());
    } catch (err) {
      // 3D000: no template (another run's global setup, on other migrations, dropped it as
      // stale): make it again.
      if ((err as { code?: string }).code !== "3D000") throw err;
      await clone(await ensurePostgresTemplate());
    }
  }
  const dropNow = () =>
    withAdmin(async (admin) => void (await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return {
    url: urlOf(name),
    drop: run
      ? // Nothing may stay connected to it meanwhile: the test's app is closed before it calls drop.
        async () => {}
      : dropNow,
  };
}

/** A name prefix for this run's databases, for the global setup to provide (kd_test_<run>_). */
export function newRunPrefix(): string {
  return `kd_test_${randomBytes(4).toString("hex")}_`;
}

/** Drops the databases named with `prefix`, a few at a time (their checkpoints coincide). */
export async function dropRunDatabases(prefix: string): Promise<number> {
  return withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [prefix],
    );
    const names = rows.map((r) => r.datname);
    const next = () => names.shift();
    await Promise.all(
      Array.from({ length: Math.min(8, rows.length) }, () =>
        withAdmin(async (c) => {
          for (let n = next(); n; n = next()) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
        }),
      ),
    );
    return rows.length;
  });
}

/**
 * Where PGlite data folders of tests go: a memory file system (/dev/shm) when it has room to
 * spare, else the OS temp folder. A migrated PGlite folder is ~1,300 files: copying and removing
 * it on the ext4 disk here (mounted with online discard) took ~6 s per app on a loaded machine,
 * ~0.4 s in memory. KD_TEST_TMPDIR overrides.
 */
function dataDirBase(): string {
  if (process.env.KD_TEST_TMPDIR) return process.env.KD_TEST_TMPDIR;
  try {
    const shm = "/dev/shm";
    fs.accessSync(shm, fs.constants.W_OK);
    const s = fs.statfsSync(shm);
    if (s.bavail * s.bsize > 2 * 1024 ** 3) return shm;
  } catch {
    // no /dev/shm (or not writable): the OS temp folder
  }
  return os.tmpdir();
}

/** A fresh data dir for PGlite, removed by the returned function. */
export function freshDataDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(dataDirBase(), "kd-test-"));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** This run's PostgreSQL database name prefix (see freshPostgres). */
    kdPostgresRun: string;
  }
}
