import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTrainingCorpus, parseJsonl } from "../../../intents/corpus.loader.js";
import {
  computeCacheKey,
  deserialiseModel,
  loadOrTrainModel,
  MODEL_FORMAT_VERSION,
  readCachedModel,
  readCacheHeader,
  serialiseModel,
  writeCachedModel,
} from "../../../intents/model.cache.js";
import { LinearNlu } from "../../../intents/nlu.engine.js";

const dir = mkdtempSync(join(tmpdir(), "nlu-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fresh = LinearNlu.train(loadTrainingCorpus());
const key = computeCacheKey();

function sampleTexts(): string[] {
  const read = (f: string): string[] =>
    parseJsonl(readFileSync(new URL(`../../../intents/corpus/${f}`, import.meta.url), "utf8")).map((e) => e.text);
  // Every evaluation line, plus edge cases (traditional, full-width, emoji, empty, long).
  return [
    ...read("test.jsonl"),
    ...read("hard.jsonl"),
    "我的包裹被簽收了",
    "ＳＦ１４３８８２９３０１５７６",
    "😡😡",
    "",
    "快递".repeat(3000),
  ];
}

describe("model cache", () => {
  it("a model loaded from the cache parses exactly like the freshly trained one", () => {
    const file = join(dir, "same", "model.bin");
    expect(writeCachedModel(file, key, fresh)).toBe(true);
    const cached = readCachedModel(file, key);
    expect(cached).toBeDefined();
    const texts = sampleTexts();
    expect(texts.length).toBeGreaterThan(700);
    for (const t of texts) expect(cached!.parse(t)).toEqual(fresh.parse(t));
    for (const t of texts.slice(0, 50))
      expect(cached!.parse(t, { expecting: "waybill" })).toEqual(fresh.parse(t, { expecting: "waybill" }));
  });

  it("ignores a cache written for another key or format, and corrupt files", () => {
    const content = serialiseModel(fresh, "some-older-corpus");
    expect(deserialiseModel(content, "some-older-corpus")).toBeDefined();
    expect(deserialiseModel(content, key)).toBeUndefined();
    // Another format number in the header (same length, so the layout stays valid).
    const text = content.toString("latin1");
    const other = Buffer.from(
      text.replace(`"format":${MODEL_FORMAT_VERSION}`, `"format":${MODEL_FORMAT_VERSION + 1}`),
      "latin1",
    );
    expect(other.byteLength).toBe(content.byteLength);
    expect(deserialiseModel(other, "some-older-corpus")).toBeUndefined();
    expect(deserialiseModel(content.subarray(0, content.byteLength / 2), "some-older-corpus")).toBeUndefined();
    expect(deserialiseModel(content.subarray(0, 20), "some-older-corpus")).toBeUndefined();
    expect(deserialiseModel(Buffer.from("not a model"), key)).toBeUndefined();
    // A format-1 file (JSON) is not read as a model.
    expect(deserialiseModel(Buffer.from(JSON.stringify({ format: 1, key })), key)).toBeUndefined();
    expect(readCachedModel(join(dir, "missing.bin"), key)).toBeUndefined();
  });

  it("the arrays are read at any alignment of the file's bytes", () => {
    const content = serialiseModel(fresh, key);
    const shifted = Buffer.alloc(content.byteLength + 1);
    content.copy(shifted, 1);
    const m = deserialiseModel(shifted.subarray(1), key);
    expect(m).toBeDefined();
    for (const t of sampleTexts().slice(0, 100)) expect(m!.parse(t)).toEqual(fresh.parse(t));
  });

  it("a stale cache file is retrained and replaced, then used", () => {
    const file = join(dir, "stale", "model.bin");
    expect(writeCachedModel(file, "stale-key", fresh)).toBe(true);
    const first = loadOrTrainModel({ file });
    expect(first.source).toBe("trained");
    expect(first.written).toBe(true);
    expect(readCacheHeader(readFileSync(file))?.key).toBe(key);
    const second = loadOrTrainModel({ file });
    expect(second.source).toBe("cache");
    expect(second.nlu.parse("显示已签收但是我根本没收到")).toEqual(fresh.parse("显示已签收但是我根本没收到"));
    // It trains the whole model once (the ensemble of issue 16: ~4–6 s on a loaded 2-core box), past vitest's 5 s default.
  }, 60_000);

  it("an unwritable cache location does not break loading", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "x");
    // The parent "directory" is a regular file: mkdir and write fail.
    expect(writeCachedModel(join(blocker, "model.bin"), key, fresh)).toBe(false);
    expect(readCachedModel(join(blocker, "model.bin"), key)).toBeUndefined();
  });

  it("the key depends on the corpus content and is stable", () => {
    expect(computeCacheKey()).toBe(key);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });
});
