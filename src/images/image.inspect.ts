import sharp from "sharp";
import { AppError } from "../errors.js";

/** Issue 17: the largest upload taken (bytes as sent, before re-encoding). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/**
 * Decoded size cap: a 10 MB PNG of one colour can expand to gigabytes (a decompression bomb).
 * 40 megapixels covers every phone camera (a 48 MP sensor's default output is 12 MP).
 */
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Longest side of the thumbnail shown in the chat history and the agent console. */
export const THUMB_SIZE = 320;

export type ImageMime = "image/jpeg" | "image/png" | "image/webp";

/** Formats taken, by the decoder's own content sniffing (magic bytes), never the file name. */
const ACCEPTED: Record<string, ImageMime> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" };

export interface PreparedImage {
  /** Re-encoded, auto-rotated by EXIF orientation, every metadata block (EXIF GPS, XMP, ICC) stripped. */
  data: Buffer;
  mime: ImageMime;
  width: number;
  height: number;
  thumbnail: Buffer;
  thumbnailMime: "image/webp";
}

/**
 * HEIC/HEIF (an iPhone's default): the ISO-BMFF `ftyp` box with a HEVC brand. The npm build of
 * libvips decodes AVIF only (HEVC is patent-encumbered), so these go through libheif (WASM).
 */
function isHeic(bytes: Buffer): boolean {
  if (bytes.length < 12 || bytes.toString("latin1", 4, 8) !== "ftyp") return false;
  return /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(bytes.toString("latin1", 8, 12));
}

const HEIC_WORKER_URL = new URL("./worker/heic.worker.mjs", import.meta.url);
/** A HEIC that takes longer than this to decode is refused (a 12 MP photo takes ~0.3–1 s). */
const HEIC_TIMEOUT_MS = 20_000;

/**
 * A HEIC photo as JPEG: decoded by libheif (heic-decode, WebAssembly) in a short-lived worker
 * thread, off the event loop; the pixel cap is checked from the header before decoding.
 */
async function heicToJpeg(bytes: Buffer): Promise<Buffer> {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(HEIC_WORKER_URL, {
    workerData: { bytes: new Uint8Array(bytes), maxPixels: MAX_IMAGE_PIXELS },
  });
  type Reply = { width: number; height: number; data: Uint8Array } | { error: string; tooLarge?: boolean };
  let timer: NodeJS.Timeout | undefined;
  const reply = await new Promise<Reply>((resolve) => {
    timer = setTimeout(() => resolve({ error: "timeout" }), HEIC_TIMEOUT_MS);
    worker.once("message", (m: Reply) => resolve(m));
    worker.once("error", (err) => resolve({ error: err.message }));
    worker.once("exit", () => resolve({ error: "HEIC worker exited" }));
  }).finally(() => {
    clearTimeout(timer);
    void worker.terminate();
  });
  if ("error" in reply) {
    if (reply.tooLarge) throw new AppError("ATTACHMENT_UNREADABLE", "The image has too many pixels");
    throw new AppError("ATTACHMENT_UNREADABLE");
  }
  return sharp(Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength), {
    raw: { width: reply.width, height: reply.height, channels: 4 },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * Checks an upload by its content and prepares what is stored: the image re-encoded in its own
 * format without metadata (EXIF location must not be kept, issue 17) and a WebP thumbnail.
 * Bad input throws AppError (ATTACHMENT_*), never a 5xx: empty, too big, not an image, corrupt,
 * too many pixels.
 */
export async function prepareImage(bytes: Buffer): Promise<PreparedImage> {
  if (bytes.length === 0) throw new AppError("ATTACHMENT_EMPTY");
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError("ATTACHMENT_TOO_LARGE");
  // Stored as JPEG: browsers other than Safari, WeChat and the console show it.
  if (isHeic(bytes)) return prepareImage(await heicToJpeg(bytes));
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
    format = meta.format;
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch (err) {
    if (/pixel limit/i.test(String((err as Error).message)))
      throw new AppError("ATTACHMENT_UNREADABLE", "The image has too many pixels");
    throw new AppError("ATTACHMENT_NOT_IMAGE");
  }
  const mime = format ? ACCEPTED[format] : undefined;
  if (!mime) throw new AppError("ATTACHMENT_NOT_IMAGE");
  if (width * height > MAX_IMAGE_PIXELS) throw new AppError("ATTACHMENT_UNREADABLE", "The image has too many pixels");
  try {
    // failOn "error": a truncated or damaged file is refused rather than stored half grey.
    const base = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error" }).rotate();
    const encoded =
      mime === "image/jpeg"
        ? base.clone().jpeg({ quality: 85, mozjpeg: true })
        : mime === "image/png"
          ? base.clone().png()
          : base.clone().webp({ quality: 85 });
    const [out, thumbnail] = await Promise.all([
      encoded.toBuffer({ resolveWithObject: true }),
      base
        .clone()
        .resize({ width: THUMB_SIZE, height: THUMB_SIZE, fit: "inside", withoutEnlargement: true })
        .webp({ quality: 75 })
        .toBuffer(),
    ]);
    return {
      data: out.data,
      mime,
      width: out.info.width,
      height: out.info.height,
      thumbnail,
      thumbnailMime: "image/webp",
    };
  } catch {
    throw new AppError("ATTACHMENT_UNREADABLE");
  }
}
