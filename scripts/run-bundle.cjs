#!/usr/bin/env node
// Runs the service bundle (dist/kuaidi-desk.cjs, made by scripts/build.mjs) through V8's code
// cache (issue 20, start-up): the first start compiles the script and, once it has been up a few
// seconds, saves what V8 compiled (top level and every function run so far) beside it; later
// starts skip that compiling. The cache is named by the build's id (dist/.built), so a rebuild
// never meets an old cache; V8 itself refuses one made by another Node version or other flags.
// Used by `npm start` (scripts/start.mjs) and the Docker image (`node scripts/run-bundle.cjs`).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

const DIST = path.join(__dirname, "..", "dist");
/** Long enough for start-up to have compiled what it needs; the write happens once, off the start. */
const SAVE_AFTER_MS = 10_000;

function runBundle(file = path.join(DIST, "kuaidi-desk.cjs")) {
  const source = fs.readFileSync(file, "utf8");
  let buildId = "";
  try {
    buildId = fs
      .readFileSync(path.join(path.dirname(file), ".built"), "utf8")
      .trim()
      .replace(/[^\w.-]+/g, "_");
  } catch {
    // no stamp: run without a cache
  }
  const cacheFile = buildId ? path.join(path.dirname(file), `.v8-cache-${buildId}`) : undefined;
  let cachedData;
  try {
    if (cacheFile) cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first start of this build
  }
  // The bundle has no dynamic import() (scripts/build.mjs refuses one): Node 20 loses a script's
  // import hook when the script comes from the code cache.
  const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(mod.exports, mod.exports, (id) => mod.require(id), mod, file, path.dirname(file));
  mod.loaded = true;
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    let saved = false;
    const save = () => {
      if (saved) return;
      saved = true;
      try {
        const partial = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(partial, script.createCachedData());
        fs.renameSync(partial, cacheFile);
      } catch {
        // a read-only install runs without the cache
      }
    };
    setTimeout(save, SAVE_AFTER_MS).unref();
    // Stopped sooner (a first try of `npm start`): saved on the way out, synchronously.
    process.once("exit", save);
  }
}

module.exports = { runBundle };
if (require.main === module) runBundle();
