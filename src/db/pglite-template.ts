/**
 * A migrated, empty PGlite data folder, made once (at install and by `npm run build`) and unpacked
 * into a fresh DATA_DIR instead of running initdb and every migration there (issue 20: initdb is
 * most of a first start's time). It holds the schema only: no seed rows, no admin, no secrets;
 * those are still made by the first start itself.
 *
 * The file is keyed by the PGlite version and the migrations' checksums, so a template made before
 * a migration was added or an upgrade is never unpacked (the key no longer names it); without a
 * template a fresh folder starts the slow way, as before. Stored under
 * `node_modules/.cache/kuaidi-desk/` (survives rebuilds of dist/, goes with a reinstall).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
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
  return path.join(dir, `pglite-${key.digest("hex").slice(0, 16)}.tar.gz`);
}

/** The template as PGlite's `loadDataDir` wants it, or undefined when there is none for this key. */
export function readTemplate(): Blob | undefined {
  try {
    const file = templatePath();
    if (!file || !fs.existsSync(file)) return undefined;
    // Unzipped here by Node's native zlib (tens of ms): PGlite's own JavaScript gunzip costs ~0.3 s.
    return new Blob([zlib.gunzipSync(fs.readFileSync(file))], { type: "application/x-tar" });
  } catch {
    return undefined; // unreadable: start the slow way
  }
}

/**
 * Makes the template when the current key has none; removes templates of other keys.
 * Returns the file, or undefined where there is no node_modules to keep it in.
 */
export async function ensureTemplate(): Promise<{ file: string; created: boolean } | undefined> {
  const file = templatePath();
  if (!file) return undefined;
  if (fs.existsSync(file)) return { file, created: false };
  const { PGlite } = await import("@electric-sql/pglite");
  const { pgliteDatabase } = await import("./client.js");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kd-pglite-template-"));
  try {
    const pglite = new PGlite(path.join(work, "pglite"));
    await pglite.waitReady;
    const db = pgliteDatabase(pglite);
    try {
      await migrate(db);
      const tarball = await pglite.dumpDataDir("gzip");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Written beside, then renamed: a reader never sees half a file (tests start apps in parallel).
      const partial = `${file}.${process.pid}.partial`;
      fs.writeFileSync(partial, Buffer.from(await tarball.arrayBuffer()));
      fs.renameSync(partial, file);
    } finally {
      await db.close();
    }
    for (const old of fs.readdirSync(path.dirname(file)))
      if (old.startsWith("pglite-") && path.join(path.dirname(file), old) !== file)
        fs.rmSync(path.join(path.dirname(file), old), { force: true });
    return { file, created: true };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
