#!/usr/bin/env node
// `npm start`: runs the compiled service (dist/kuaidi-desk.cjs, one bundled script run from V8's
// code cache: scripts/run-bundle.cjs), rebuilding dist/ first when a source changed since the last
// build (a checkout edited after `npm install` never runs stale code). `npm run dev` keeps tsx
// with watch. The image runs `node scripts/run-bundle.cjs` directly.
import { createRequire } from "node:module";
import { ensureBuilt } from "./build.mjs";

await ensureBuilt();
createRequire(import.meta.url)("./run-bundle.cjs").runBundle();
