import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTrainingCorpus } from "./corpus.loader.js";
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
export const MODEL_FORMAT_VERSION = 2;

/** Default location; `NLU_MODEL_CACHE=<path>` overrides it, `NLU_MODEL_CACHE=off` disables the cache. */
export function defaultCacheFile(): string | undefined {
  const env = process.env.NLU_MODEL_CACHE;
  if (env === "off" || env === "0" || env === "false") return undefined;
  return env || fileURLToPath(new URL("./.model-cache/model.bin", import.meta.url));
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

// ---- serialisation (format 2): one binary file ----
// "KDNLU\0v2" magic (8 bytes) · u32 LE header length · header JSON (format, key, endianness, createdAt,
// shapes, section table) · zero padding to a multiple of 8 · the sections: Float32/Uint16 arrays as raw
// bytes in the host's byte order (checked against `endianness`), each vocabulary as its tokens in UTF-8
// joined by NUL. Format 1 (JSON with base64 arrays, ~4.6 MB) spent most of the load in reading the text,
// JSON.parse and base64-decoding; here the arrays are views on the file's bytes and each vocabulary is one
// UTF-8 decode and a split.

const MAGIC = Buffer.from("KDNLU\0v2", "latin1");
const SEP = "\0";

type SectionName =
  | "charMap"
  | "vec.vocab"
  | "vec.idf"
  | "intent.w"
  | "intent.b"
  | "catVec.vocab"
  | "catVec.idf"
  | "category.w"
  | "category.b";

interface CacheHeader {
  format: number;
  key: string;
  endianness: string;
  createdAt: string;
  intent: { nFeatures: number; nClasses: number; loss: "softmax" | "hinge" };
  category: { nFeatures: number; nClasses: number; loss: "softmax" | "hinge" };
  /** Byte offset (from the start of the data, a multiple of 8) and length of each section. */
  sections: Record<SectionName, [number, number]>;
}

function bytesOf(a: Float32Array | Uint16Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function vocabBytes(vocab: readonly string[]): Buffer {
  for (const t of vocab) if (t.includes(SEP)) throw new Error("vocabulary token contains NUL");
  return Buffer.from(vocab.join(SEP), "utf8");
}

export function serialiseModel(nlu: LinearNlu, key: string): Buffer {
  const s = nlu.snapshot();
  const parts: [SectionName, Buffer][] = [
    ["charMap", bytesOf(exportCharMap())],
    ["vec.vocab", vocabBytes(s.vec.vocab)],
    ["vec.idf", bytesOf(s.vec.idf)],
    ["intent.w", bytesOf(s.intent.w)],
    ["intent.b", bytesOf(s.intent.b)],
    ["catVec.vocab", vocabBytes(s.catVec.vocab)],
    ["catVec.idf", bytesOf(s.catVec.idf)],
    ["category.w", bytesOf(s.category.w)],
    ["category.b", bytesOf(s.category.b)],
  ];
  const sections = {} as Record<SectionName, [number, number]>;
  const chunks: Buffer[] = [];
  let off = 0;
  for (const [name, buf] of parts) {
    sections[name] = [off, buf.byteLength];
    chunks.push(buf);
    const pad = (8 - (buf.byteLength % 8)) % 8;
    if (pad) chunks.push(Buffer.alloc(pad));
    off += buf.byteLength + pad;
  }
  const header: CacheHeader = {
    format: MODEL_FORMAT_VERSION,
    key,
    endianness: endianness(),
    createdAt: new Date().toISOString(),
    intent: { nFeatures: s.intent.nFeatures, nClasses: s.intent.nClasses, loss: s.intent.loss },
    category: { nFeatures: s.category.nFeatures, nClasses: s.category.nClasses, loss: s.category.loss },
    sections,
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const lead = MAGIC.byteLength + 4 + json.byteLength;
  const headPad = (8 - (lead % 8)) % 8;
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.byteLength + headPad);
  // The header's length counts its padding (spaces, valid JSON whitespace), so data starts at a multiple of 8.
  return Buffer.concat([MAGIC, len, json, Buffer.alloc(headPad, 0x20), ...chunks]);
}

/** The header of a cache file's content, or undefined if it is not one (wrong magic, truncated, bad JSON). */
export function readCacheHeader(content: Uint8Array): CacheHeader | undefined {
  try {
    const buf = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    if (buf.byteLength < MAGIC.byteLength + 4 || !buf.subarray(0, MAGIC.byteLength).equals(MAGIC)) return undefined;
    const n = buf.readUInt32LE(MAGIC.byteLength);
    const start = MAGIC.byteLength + 4;
    if (start + n > buf.byteLength) return undefined;
    return JSON.parse(buf.toString("utf8", start, start + n)) as CacheHeader;
  } catch {
    return undefined;
  }
}

/**
 * The model in `content` if it was written for `key` (and this format/endianness), else undefined.
 * On success the cached normaliser table is installed too (a no-op if one is already built).
 */
export function deserialiseModel(content: Uint8Array, key: string): LinearNlu | undefined {
  try {
    const h = readCacheHeader(content);
    if (!h || h.format !== MODEL_FORMAT_VERSION || h.key !== key || h.endianness !== endianness()) return undefined;
    const buf = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const base = MAGIC.byteLength + 4 + buf.readUInt32LE(MAGIC.byteLength);
    const section = (name: SectionName): Buffer => {
      const [off, len] = h.sections[name];
      if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || base + off + len > buf.byteLength)
        throw new Error(`bad section ${name}`);
      return buf.subarray(base + off, base + off + len);
    };
    // Views on the file's bytes when they are aligned (a whole-file read is), else copies.
    const f32 = (name: SectionName): Float32Array => {
      const b = section(name);
      if (b.byteLength % 4 !== 0) throw new Error(`bad float array ${name}`);
      if (b.byteOffset % 4 === 0) return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      const out = new Float32Array(b.byteLength / 4);
      new Uint8Array(out.buffer).set(b);
      return out;
    };
    const vocab = (name: SectionName): string[] => {
      const b = section(name);
      return b.byteLength ? b.toString("utf8").split(SEP) : [];
    };
    const cm = section("charMap");
    if (cm.byteLength % 4 !== 0) return undefined;
    const pairs = new Uint16Array(cm.byteLength / 2);
    new Uint8Array(pairs.buffer).set(cm);
    if (pairs.length < 2000) return undefined; // an empty/truncated table would silently break traditional input
    const snap: NluSnapshot = {
      vec: { vocab: vocab("vec.vocab"), idf: f32("vec.idf") },
      intent: { ...h.intent, w: f32("intent.w"), b: f32("intent.b") },
      catVec: { vocab: vocab("catVec.vocab"), idf: f32("catVec.idf") },
      category: { ...h.category, w: f32("category.w"), b: f32("category.b") },
    };
    const nlu = LinearNlu.fromSnapshot(snap);
    installCharMap(pairs);
    return nlu;
  } catch {
    return undefined;
  }
}

export function readCachedModel(file: string, key: string): LinearNlu | undefined {
  let content: Buffer;
  try {
    content = readFileSync(file);
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
