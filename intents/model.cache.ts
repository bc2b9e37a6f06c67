import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTrainingCorpus } from "./corpus.loader.js";
import type { ClassifierSnapshot, VectoriserSnapshot } from "./linear.classifier.js";
import { LinearNlu, type NluSnapshot } from "./nlu.engine.js";
import { exportCharMap, installCharMap, warmNormaliser } from "./text.normaliser.js";

/**
 * On-disk cache of the trained model, so `createNlu()` loads weights (~tens of ms) instead of
 * training (~0.5 s idle, up to ~2 s on a busy 2-core box).
 *
 * The cache is valid only for the exact key it was written with:
 *   sha256(MODEL_FORMAT_VERSION, every corpus/train file's path + content, the source of the
 *   modules that turn text into features or train the model, the opencc-js version).
 * Anything else (missing file, other key, bad JSON, wrong shapes) → train and rewrite.
 * Writing is best effort (read-only checkouts keep working, just without the speed-up) and
 * atomic (temp file + rename), so a concurrent reader never sees half a file.
 *
 * Bump MODEL_FORMAT_VERSION when the file layout or the meaning of the weights changes in a way
 * the hashed sources would not show.
 */
export const MODEL_FORMAT_VERSION = 1;

/** Default location; `NLU_MODEL_CACHE=<path>` overrides it, `NLU_MODEL_CACHE=off` disables the cache. */
export function defaultCacheFile(): string | undefined {
  const env = process.env.NLU_MODEL_CACHE;
  if (env === "off" || env === "0" || env === "false") return undefined;
  return env || fileURLToPath(new URL("./.model-cache/model.json", import.meta.url));
}

const HERE = new URL("./", import.meta.url);
/**
 * Where the pipeline's TypeScript sources are: this folder under tsx; the project's intents/
 * folder when running the compiled tree (dist/intents, scripts/build.mjs). Hashing the same
 * sources from both keeps one cache key, so `npm start` and `npm test` share the model.
 */
const SOURCE_DIR = existsSync(fileURLToPath(new URL("./nlu.ts", HERE))) ? HERE : new URL("../../intents/", HERE);
/** Modules whose code decides the features or the weights (intent.rules.ts runs after the model, so it is not here). */
const PIPELINE_MODULES = [
  "nlu",
  "nlu.engine",
  "linear.classifier",
  "embedding.classifier",
  "feature.tokeniser",
  "text.normaliser",
  "entity.extractor",
  "waybill.patterns",
  "corpus.loader",
];

function listFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...listFiles(`${dir}/${ent.name}`, r));
    else if (ent.name.endsWith(".txt")) out.push(r);
  }
  return out.sort();
}

/**
 * Hash of the code that shapes the model, taken once when this module is evaluated — i.e. from
 * the same file versions this process is running (a long-lived process must not stamp a newer
 * key on a model built by older code it still has in memory).
 */
const CODE_HASH: string = (() => {
  const h = createHash("sha256");
  for (const mod of PIPELINE_MODULES) {
    h.update(`module ${mod}\0`);
    for (const ext of [".ts", ".js"]) {
      const p = fileURLToPath(new URL(`./${mod}${ext}`, SOURCE_DIR));
      try {
        if (existsSync(p)) {
          h.update(readFileSync(p));
          break;
        }
      } catch {
        h.update("unreadable");
      }
    }
    h.update("\0");
  }
  try {
    const pkg = JSON.parse(
      readFileSync(fileURLToPath(new URL("../node_modules/opencc-js/package.json", SOURCE_DIR)), "utf8"),
    ) as { version?: string };
    h.update(`opencc ${pkg.version ?? "?"}\0`);
  } catch {
    h.update("opencc ?\0");
  }
  return h.digest("hex");
})();

/** Cache key for the current corpus and code (a few ms: reads ~150 kB of corpus). */
export function computeCacheKey(): string {
  const h = createHash("sha256");
  h.update(`format ${MODEL_FORMAT_VERSION}\0code ${CODE_HASH}\0`);
  const trainDir = fileURLToPath(new URL("./corpus/train/", HERE));
  for (const rel of listFiles(trainDir)) {
    h.update(`corpus ${rel}\0`);
    h.update(readFileSync(`${trainDir}/${rel}`));
    h.update("\0");
  }
  return h.digest("hex");
}

// ---- serialisation: weights as base64 of little-endian Float32 arrays, vocab as one string array ----

interface FileVectoriser {
  vocab: string[];
  idf: string;
}
interface FileClassifier {
  nFeatures: number;
  nClasses: number;
  loss: "softmax" | "hinge";
  w: string;
  b: string;
}
interface CacheFile {
  format: number;
  key: string;
  endianness: string;
  createdAt: string;
  /** text.normaliser's traditional→simplified table (Uint16 pairs, base64). */
  charMap: string;
  vec: FileVectoriser;
  intent: FileClassifier;
  catVec: FileVectoriser;
  category: FileClassifier;
}

function u16ToB64(a: Uint16Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

function b64ToU16(s: string): Uint16Array {
  const buf = Buffer.from(s, "base64");
  if (buf.byteLength % 4 !== 0) throw new Error("bad char map");
  const out = new Uint16Array(buf.byteLength / 2);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function f32ToB64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

function b64ToF32(s: string): Float32Array {
  const buf = Buffer.from(s, "base64");
  if (buf.byteLength % 4 !== 0) throw new Error("bad float array");
  // Copy: a decoded Buffer may sit at an unaligned offset in Node's pool.
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

const vecToFile = (v: VectoriserSnapshot): FileVectoriser => ({ vocab: v.vocab, idf: f32ToB64(v.idf) });
const vecFromFile = (v: FileVectoriser): VectoriserSnapshot => ({ vocab: v.vocab, idf: b64ToF32(v.idf) });
const clsToFile = (c: ClassifierSnapshot): FileClassifier => ({ ...c, w: f32ToB64(c.w), b: f32ToB64(c.b) });
const clsFromFile = (c: FileClassifier): ClassifierSnapshot => ({ ...c, w: b64ToF32(c.w), b: b64ToF32(c.b) });

export function serialiseModel(nlu: LinearNlu, key: string): string {
  const s = nlu.snapshot();
  const file: CacheFile = {
    format: MODEL_FORMAT_VERSION,
    key,
    endianness: endianness(),
    createdAt: new Date().toISOString(),
    charMap: u16ToB64(exportCharMap()),
    vec: vecToFile(s.vec),
    intent: clsToFile(s.intent),
    catVec: vecToFile(s.catVec),
    category: clsToFile(s.category),
  };
  return JSON.stringify(file);
}

/**
 * The model in `content` if it was written for `key` (and this format/endianness), else undefined.
 * On success the cached normaliser table is installed too (a no-op if one is already built).
 */
export function deserialiseModel(content: string, key: string): LinearNlu | undefined {
  try {
    const f = JSON.parse(content) as Partial<CacheFile>;
    if (f.format !== MODEL_FORMAT_VERSION || f.key !== key || f.endianness !== endianness()) return undefined;
    if (!f.vec || !f.intent || !f.catVec || !f.category || typeof f.charMap !== "string") return undefined;
    const snap: NluSnapshot = {
      vec: vecFromFile(f.vec),
      intent: clsFromFile(f.intent),
      catVec: vecFromFile(f.catVec),
      category: clsFromFile(f.category),
    };
    const nlu = LinearNlu.fromSnapshot(snap);
    const pairs = b64ToU16(f.charMap);
    if (pairs.length < 2000) return undefined; // an empty/truncated table would silently break traditional input
    installCharMap(pairs);
    return nlu;
  } catch {
    return undefined;
  }
}

export function readCachedModel(file: string, key: string): LinearNlu | undefined {
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return deserialiseModel(content, key);
}

/** Atomic, best-effort write; returns whether the cache file now holds this model. */
export function writeCachedModel(file: string, key: string, nlu: LinearNlu): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, serialiseModel(nlu, key));
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    return false;
  }
}

export interface LoadedModel {
  nlu: LinearNlu;
  source: "cache" | "trained";
  /** Whether a fresh cache file was written (only when trained). */
  written: boolean;
  ms: number;
  file?: string;
}

/**
 * The model from the cache when its key matches, otherwise trained from the corpus (and the
 * cache rewritten unless `write: false`). Synchronous; never throws because of the cache.
 */
export function loadOrTrainModel(
  opts: { file?: string | null; write?: boolean; forceTrain?: boolean } = {},
): LoadedModel {
  const t0 = performance.now();
  const file = opts.file === null ? undefined : (opts.file ?? defaultCacheFile());
  let key: string | undefined;
  try {
    key = computeCacheKey();
  } catch {
    key = undefined; // cannot hash the corpus: train, do not cache
  }
  if (file && key && !opts.forceTrain) {
    const cached = readCachedModel(file, key);
    if (cached) return { nlu: cached, source: "cache", written: false, ms: performance.now() - t0, file };
  }
  warmNormaliser();
  const nlu = LinearNlu.train(loadTrainingCorpus());
  const written = !!(file && key && opts.write !== false && writeCachedModel(file, key, nlu));
  return { nlu, source: "trained", written, ms: performance.now() - t0, ...(file ? { file } : {}) };
}
