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
const LINKS = [
  "src/web",
  "prisma",
  "intents/corpus",
  "intents/.model-cache",
  "src/knowledge/eval",
  "src/images/worker",
];

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

/** The service as one CommonJS file that `npm start` runs (see bundle() below). */
export const BUNDLE = "kuaidi-desk.cjs";

/**
 * Packages bundled with our code: pure JavaScript, loaded at every start, and costly to load file
 * by file (botbuilder alone is ~300 modules). Every other package our code imports stays outside
 * the bundle and is loaded from node_modules as usual: many find files beside their own code at
 * run time (PGlite's WebAssembly, native addons such as jieba, argon2 and sharp, OCR models,
 * Prisma's query compiler, pino's worker), and the scale-mode ones (Redis, BullMQ, Wechaty) load
 * only when configured. What a bundled package requires is bundled with it unless it ships a
 * native addon or WebAssembly (`hasRuntimeFiles`).
 */
const BUNDLED = [
  "botbuilder",
  "fastify",
  /^@fastify\/(?!swagger-ui)/,
  "fastify-type-provider-zod",
  "helmet",
  "zod",
  "natural",
  "minisearch",
  "chinese-days",
  "opencc-js",
  "fast-xml-parser",
  "csv-stringify",
  "csv-parse",
  "ical.js",
  "china-area-data",
];

const packageName = (specifier) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
const isBundled = (name) => BUNDLED.some((b) => (typeof b === "string" ? b === name : b.test(name)));

const runtimeFilesCache = new Map();
/** Whether a package ships a native addon or WebAssembly that it loads by path at run time. */
function hasRuntimeFiles(pkgDir, depth = 0) {
  if (depth === 0 && runtimeFilesCache.has(pkgDir)) return runtimeFilesCache.get(pkgDir);
  let found = false;
  try {
    for (const ent of fs.readdirSync(pkgDir, { withFileTypes: true })) {
      if (ent.isDirectory()) {
        if (ent.name !== "node_modules" && depth < 4 && hasRuntimeFiles(path.join(pkgDir, ent.name), depth + 1))
          found = true;
      } else if (/\.(node|wasm)$/.test(ent.name) || ent.name === "binding.gyp") found = true;
      if (found) break;
    }
  } catch {
    // unreadable: treat as plain JavaScript
  }
  if (depth === 0) runtimeFilesCache.set(pkgDir, found);
  return found;
}

const isOurs = (file) => !file.split(path.sep).includes("node_modules");

/**
 * esbuild plugin. Each of our modules keeps its own `import.meta.url` (the path its per-file
 * build has in dist/, where src/web, prisma/ … are linked) although all of them share one file;
 * `import("pkg")` of a package or builtin (Prisma's generated client loads its query compiler so)
 * becomes require(), since a script run from V8's code cache has no dynamic-import hook on Node
 * 20 (Node 20.19+ requires ES modules without top-level await); packages are bundled or left
 * outside as described above.
 */
const bundlePlugin = {
  name: "kuaidi-desk-bundle",
  setup(b) {
    const tsconfigRaw = fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8");
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!isOurs(args.path)) return undefined;
      const rel = path.relative(ROOT, args.path).split(path.sep).join("/").replace(/\.ts$/, ".js");
      // Types stripped first, so that `import("x").Type` in a type is not taken for a call.
      const { code } = await b.esbuild.transform(await fs.promises.readFile(args.path, "utf8"), {
        loader: "ts",
        format: "esm",
        sourcefile: args.path,
        tsconfigRaw,
      });
      return {
        contents: code
          .replaceAll("import.meta.url", `__kdModuleUrl(${JSON.stringify(rel)})`)
          .replaceAll("import.meta.dirname", `__kdModuleDir(${JSON.stringify(rel)})`)
          .replace(/\bimport\((["'])([^"'./][^"']*)\1\)/g, 'Promise.resolve().then(() => require("$2"))'),
        loader: "js",
        resolveDir: path.dirname(args.path),
      };
    });
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return undefined;
      const name = packageName(args.path);
      if (isOurs(args.importer) && !isBundled(name)) return { path: args.path, external: true };
      const dir = path.join(ROOT, "node_modules", name);
      if (fs.existsSync(dir) && hasRuntimeFiles(dir)) return { path: args.path, external: true };
      return undefined;
    });
  },
};

/**
 * src/main.ts and everything it imports, one CommonJS file (issue 20, start-up): Node 20 has no
 * compile cache for ES modules, and loading ~1,000 separate modules spent ~1.3 s of CPU in
 * resolving, reading, lexing CommonJS exports and compiling; one script is compiled once and then
 * run from V8's code cache (scripts/run-bundle.cjs). Bundled CommonJS packages are evaluated as
 * before, on first require.
 */
async function bundle(esbuild, outdir) {
  const result = await esbuild({
    metafile: true,
    entryPoints: [path.join(ROOT, "src/main.ts")],
    outfile: path.join(outdir, BUNDLE),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    plugins: [bundlePlugin],
    banner: {
      js: [
        '"use strict";',
        'const __kdModuleUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, rel)).href;',
        'const __kdModuleDir = (rel) => require("node:path").dirname(require("node:path").join(__dirname, rel));',
      ].join("\n"),
    },
    logLevel: "warning",
  });
  const dynamic = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.kind === "dynamic-import" && i.external)
    .map((i) => i.path);
  if (dynamic.length)
    throw new Error(
      `the bundle keeps dynamic import() of ${dynamic.join(", ")}: it would fail when run from the code cache; import it statically or with require()`,
    );
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
  try {
    await bundle(esbuild, tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  for (const rel of LINKS) {
    if (!fs.existsSync(path.join(ROOT, rel))) fs.mkdirSync(path.join(ROOT, rel), { recursive: true });
    const link = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(ROOT, rel)), link);
  }
  // The build's id: names the V8 code cache of this bundle (scripts/run-bundle.cjs).
  fs.writeFileSync(path.join(tmp, ".built"), `${new Date().toISOString()} ${process.pid}\n`);
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
  try {
    const { ensureTemplate } = await import(pathToFileURL(path.join(DIST, "src/db/pglite-template.js")).href);
    return await ensureTemplate();
  } catch (err) {
    // A read-only install, a full disk: only first starts get slower (initdb), nothing breaks.
    console.warn(`kuaidi-desk: no PGlite template (${err.message}); a fresh data folder runs initdb instead`);
    return undefined;
  }
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
