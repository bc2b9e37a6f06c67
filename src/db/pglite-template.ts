/**
 * A migrated, empty PGlite data folder, made once (at install and by `npm run build`) and copied
 * into a fresh DATA_DIR instead of running initdb and every migration there (issue 20: initdb is
 * most of a first start's time). It holds the schema only: no seed rows, no admin, no secrets;
 * those are still made by the first start itself. Copied with Node's fs (~1,000 files, 28 MB):
 * PGlite's own `loadDataDir` unpacks a tarball through its emulated file system, ~1 s slower.
 *
 * The folder is keyed by the PGlite version and the migrations' checksums, so a template made
 * before a migration was added or an upgrade is never used (the key no longer names it); without
 * a template a fresh folder starts the slow way, as before. Stored under
 * `node_modules/.cache/kuaidi-desk/` (survives rebuilds of dist/, goes with a reinstall).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
// Only light modules at the top: `npm start` checks for the template before the service loads.
import { migrate, readMigrations } from "./migrate.js";

const require = createRequire(import.meta.url);

/** `<…>/node_modules/.cache/kuaidi-desk`, found from where PGlite is installed. */
function cacheDir(): string | undefined {
  try {
    const entry = require.resolve("@electric-sql/pglite");
    const at = entry.lastIndexOf(`${path.sep}node_modules${path.sep}`);
    if (at < 0) return undefined;
    return path.join(entry.slice(0, at), "node_modules", ".cache", "kuaidi-desk");
  } catch {
    return undefined;
  }
}

function pgliteVersion(): string {
  const pkg = path.join(path.dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** Where the template for the current PGlite and migrations lives (it may not exist yet). */
export function templatePath(migrationsDir?: string): string | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  const key = createHash("sha256").update(`pglite ${pgliteVersion()}\n`);
  for (const m of readMigrations(migrationsDir)) key.update(`${m.name} ${m.checksum}\n`);
  return path.join(dir, `pglite-${key.digest("hex").slice(0, 16)}`);
}

/**
 * Fills `dataDir` (missing or empty) from the template. Returns false when there is no template
 * for this key or the copy failed (the folder is then emptied again and PGlite runs initdb).
 */
export function copyTemplate(dataDir: string): boolean {
  const template = templatePath();
  if (!template || !fs.existsSync(path.join(template, "PG_VERSION"))) return false;
  try {
    fs.cpSync(template, dataDir, { recursive: true });
    return true;
  } catch {
    fs.rmSync(dataDir, { recursive: true, force: true });
    return false;
  }
}

/**
 * Makes the template when the current key has none; removes templates of other keys.
 * Returns its folder, or undefined where there is no node_modules to keep it in.
 */
export async function ensureTemplate(): Promise<{ dir: string; created: boolean } | undefined> {
  const dir = templatePath();
  if (!dir) return undefined;
  if (fs.existsSync(path.join(dir, "PG_VERSION"))) return { dir, created: false };
  const { PGlite } = await import("@electric-sql/pglite");
  const { pgliteDatabase } = await import("./client.js");
  const cache = path.dirname(dir);
  fs.mkdirSync(cache, { recursive: true });
  // Built beside, then renamed: a reader never sees half a folder (tests start apps in parallel).
  const work = fs.mkdtempSync(path.join(cache, ".building-"));
  try {
    const db = pgliteDatabase(await PGlite.create(work));
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    try {
      fs.renameSync(work, dir);
    } catch (err) {
      // Another process made the same template meanwhile: theirs is as good.
      if (!fs.existsSync(path.join(dir, "PG_VERSION"))) throw err;
    }
    for (const old of fs.readdirSync(cache))
      if (old.startsWith("pglite-") && path.join(cache, old) !== dir)
        fs.rmSync(path.join(cache, old), { recursive: true, force: true });
    return { dir, created: true };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
