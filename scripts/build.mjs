#!/usr/bin/env node
// Compiles the service to plain JavaScript in dist/ (issue 20: `npm start` and the image run no
// TypeScript loader; ~5 s of start-up went to transpiling every module through tsx).
// esbuild transpiles file by file (tsconfig has isolatedModules; type checking is `npm run
// typecheck`), keeping the layout: src/app.ts → dist/src/app.js. The folders the code reads at
// run time (web pages, migrations, the NLU corpus and model cache) are linked, not copied, so a
// path like `new URL("./web/", import.meta.url)` means the same file from either tree.
//
// `node scripts/build.mjs`          build now
// `node scripts/build.mjs --check`  build only when a source is newer than the last build
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".built");
const SOURCE_DIRS = ["src", "channels", "intents"];
/** Run-time folders, linked into dist/ at the same relative place. */
const LINKS = ["src/web", "prisma", "intents/corpus", "intents/.model-cache", "src/knowledge/eval"];

function sources(dir, out = []) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) {
      if (ent.name !== "web" && !ent.name.startsWith(".")) sources(p, out);
    } else if (ent.name.endsWith(".ts") && !ent.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function allSources() {
  return SOURCE_DIRS.flatMap((d) => sources(path.join(ROOT, d)));
}

/** Whether dist/ is missing or older than a source file (a few ms: one stat per file). */
export function isStale(files = allSources()) {
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  return files.some((f) => fs.statSync(f).mtimeMs > built);
}

/** Transpiles every source into a fresh folder, then swaps it in (a reader never sees half a tree). */
export async function build() {
  const { build: esbuild } = await import("esbuild");
  const files = allSources();
  const tmp = path.join(ROOT, `.dist-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  await esbuild({
    entryPoints: files,
    outdir: tmp,
    outbase: ROOT,
    format: "esm",
    platform: "node",
    target: "node20",
    bundle: false,
    logLevel: "warning",
  });
  for (const rel of LINKS) {
    if (!fs.existsSync(path.join(ROOT, rel))) fs.mkdirSync(path.join(ROOT, rel), { recursive: true });
    const link = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(ROOT, rel)), link);
  }
  fs.writeFileSync(path.join(tmp, ".built"), `${new Date().toISOString()}\n`);
  const old = path.join(ROOT, `.dist-old-${process.pid}`);
  try {
    if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
    fs.renameSync(tmp, DIST);
  } catch (err) {
    // Another build swapped its tree in at the same moment: theirs is as fresh as ours.
    if (!fs.existsSync(DIST)) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.rmSync(old, { recursive: true, force: true });
  return files.length;
}

/**
 * The migrated, empty PGlite folder that fresh data folders are unpacked from (issue 20; see
 * src/db/pglite-template.ts). Made when the migrations or PGlite changed; a few ms otherwise.
 */
export async function ensurePgliteTemplate() {
  const { ensureTemplate } = await import(pathToFileURL(path.join(DIST, "src/db/pglite-template.js")).href);
  return ensureTemplate();
}

/** Builds when dist/ is missing or stale, and the PGlite template when missing; returns whether it built. */
export async function ensureBuilt() {
  const stale = isStale();
  if (stale) await build();
  await ensurePgliteTemplate();
  return stale;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const built = process.argv.includes("--check") ? await ensureBuilt() : (await build()) > 0;
  if (built) console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
  const templateStarted = performance.now();
  const template = await ensurePgliteTemplate();
  if (template?.created)
    console.log(
      `made the PGlite template for fresh data folders in ${Math.round(performance.now() - templateStarted)} ms`,
    );
}
