#!/usr/bin/env node
// `npm start`: runs the compiled JavaScript (dist/src/main.js), rebuilding dist/ first when a
// source changed since the last build (a checkout edited after `npm install` never runs stale
// code). `npm run dev` keeps tsx with watch. The image runs dist/src/main.js directly.
import { ensureBuilt } from "./build.mjs";

await ensureBuilt();
await import("../dist/src/main.js");
