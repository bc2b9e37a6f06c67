import { createHash } from "node:crypto";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import type { Database } from "./client.js";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));
/** Arbitrary, fixed: every instance takes the same advisory lock to migrate one at a time. */
const MIGRATION_LOCK_ID = 72_410_001;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export interface Migration {
  /** Folder name, e.g. `0016_holiday_calendar`; applied in name order. */
  name: string;
  sql: string;
  /** sha256 of `sql`, hex: an applied migration that changed afterwards is refused. */
  checksum: string;
}

/** The committed migrations in the order they apply (prisma/migrations/<name>/migration.sql). */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(`${dir}/${d.name}/migration.sql`))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(`${dir}/${name}/migration.sql`, "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies the committed SQL migrations in order, each in its own transaction, recorded in
 * `_app_migrations`. Done in-process at start because `prisma migrate deploy` lingers ~10 s
 * before exiting (prisma-recipe.md); an advisory lock keeps concurrent instances from racing.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  return db.withLock(MIGRATION_LOCK_ID, async () => {
    await db.query(
      `CREATE TABLE IF NOT EXISTS "_app_migrations" (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Map(
      (await db.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "_app_migrations"`)).map((r) => [
        r.name,
        r.checksum,
      ]),
    );
    const applied: string[] = [];
    for (const { name, sql, checksum } of migrations) {
      const previous = done.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(
            `Migration ${name} was changed after it was applied (checksum mismatch); add a new migration instead`,
          );
        }
        continue;
      }
      const escapedName = name.replace(/'/g, "''");
      await db.execScript(
        `${sql}\n;INSERT INTO "_app_migrations"(name, checksum) VALUES ('${escapedName}', '${checksum}');`,
      );
      applied.push(name);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  });
}
