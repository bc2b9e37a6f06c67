import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { rng } from "./linear.classifier.js";
import { CATEGORY_CODES, type CategoryCode, INTENTS, type IntentName } from "./nlu.js";

/**
 * Training corpus: one example per line in `corpus/train/<intent>.txt` and
 * `corpus/train/complaint/<CATEGORY>.txt` ('#' starts a comment line). Placeholders
 * {wb} {phone} {ticket} are filled with generated values in varied formats so the
 * extractor and the placeholder features see realistic input.
 */

export interface Example {
  text: string;
  intent: IntentName;
  category?: CategoryCode;
  entities?: { type: string; value: string }[];
  /** Evaluation files only: "everyday" | "hard", reported separately by `eval`. */
  style?: string;
  /** Real-world evaluation set only (intents/eval/): zh | zh-Hant | yue | en, and the hard kind. */
  lang?: string;
  kind?: string;
}

const CORPUS_DIR = new URL("./corpus/", import.meta.url);

function readLines(url: URL): string[] {
  return readFileSync(fileURLToPath(url), "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));
}

function digits(r: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
}

const WAYBILL_MAKERS: ((r: () => number) => string)[] = [
  (r) => `SF${digits(r, 13)}`,
  (r) => `sf${digits(r, 13)}`,
  (r) => `YT${digits(r, 13)}`,
  (r) => `JT${digits(r, 13)}`,
  (r) => `JDVA${digits(r, 11)}`,
  (r) => `JD00${digits(r, 11)}`,
  (r) => `DPK${digits(r, 12)}`,
  (r) => `77${digits(r, 13)}`,
  (r) => `73${digits(r, 12)}`,
  (r) => `75${digits(r, 12)}`,
  (r) => `43${digits(r, 13)}`,
  (r) => `98${digits(r, 11)}`,
  (r) => `E${"ABCEKLR"[Math.floor(r() * 7)]}${digits(r, 9)}CN`,
];

export function makeWaybill(r: () => number): string {
  const maker = WAYBILL_MAKERS[Math.floor(r() * WAYBILL_MAKERS.length)]!;
  const raw = maker(r);
  const style = r();
  if (style < 0.7) return raw;
  if (style < 0.85) return raw.replace(/(\d{4})(?=\d)/g, "$1 ");
  if (style < 0.93) return raw.replace(/(\d{4})(?=\d)/g, "$1-");
  // Full-width form, as typed by some IMEs.
  return [...raw].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
}

export function fillPlaceholders(line: string, r: () => number): string {
  return line
    .replace(/\{wb\d?\}/g, () => makeWaybill(r))
    .replace(/\{phone\}/g, () => {
      const p = `1${"3456789"[Math.floor(r() * 7)]}${digits(r, 9)}`;
      return r() < 0.3 ? `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}` : p;
    })
    .replace(/\{ticket\}/g, () => `2026${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-${digits(r, 5)}`);
}

export function loadTrainingCorpus(): Example[] {
  const r = rng(7);
  const out: Example[] = [];
  const trainDir = new URL("train/", CORPUS_DIR);
  const files = new Set(readdirSync(fileURLToPath(trainDir)));
  for (const intent of INTENTS) {
    if (!files.has(`${intent}.txt`)) continue;
    for (const line of readLines(new URL(`${intent}.txt`, trainDir)))
      out.push({ text: fillPlaceholders(line, r), intent });
  }
  const compDir = new URL("complaint/", trainDir);
  const compFiles = new Set(readdirSync(fileURLToPath(compDir)));
  for (const code of CATEGORY_CODES) {
    if (!compFiles.has(`${code}.txt`)) continue;
    for (const line of readLines(new URL(`${code}.txt`, compDir)))
      out.push({ text: fillPlaceholders(line, r), intent: "complaint", category: code });
  }
  return out;
}

/** JSONL with at least {text, intent}; accepts `category` or `category_code`, and `entities` [{type,value}]. */
export function parseJsonl(content: string): Example[] {
  const out: Example[] = [];
  for (const line of content.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith("//")) continue;
    const o = JSON.parse(t) as Record<string, unknown>;
    const intent = (o.intent ?? o.label) as IntentName;
    const category = (o.category ?? o.category_code ?? undefined) as CategoryCode | undefined;
    const ex: Example = { text: String(o.text ?? ""), intent };
    if (category) ex.category = category;
    if (typeof o.style === "string") ex.style = o.style;
    if (typeof o.lang === "string") ex.lang = o.lang;
    if (typeof o.kind === "string") ex.kind = o.kind;
    if (Array.isArray(o.entities)) ex.entities = o.entities as { type: string; value: string }[];
    out.push(ex);
  }
  return out;
}

export function defaultHardFile(): string {
  return fileURLToPath(new URL("hard.jsonl", CORPUS_DIR));
}

/** Real customers' words (issue 16): evaluation only, never trained or tuned on. */
export function realWorldFile(): string {
  return fileURLToPath(new URL("../eval/realworld.jsonl", CORPUS_DIR));
}

export function defaultTestFile(): string {
  return fileURLToPath(new URL("test.jsonl", CORPUS_DIR));
}
