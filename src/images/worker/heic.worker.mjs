// HEIC/HEIF decoding (issue 17: an iPhone's default photo format) in a worker thread: libheif
// compiled to WebAssembly (heic-decode → libheif-js) runs synchronously and would hold the chat's
// event loop ~0.3–1 s for a 12 MP photo. Plain JavaScript, like ocr.worker.mjs, so tsx, dist/ and
// the bundle start it as the same file. workerData: { bytes: Uint8Array, maxPixels }. Posts
// { width, height, data } (RGBA, transferred) or { error, tooLarge? }, then exits.
import { parentPort, workerData } from "node:worker_threads";

try {
  const { default: decode } = await import("heic-decode");
  const { bytes, maxPixels } = workerData;
  const images = await decode.all({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  const primary = images[0];
  if (!primary) throw new Error("no image in the file");
  // Checked from the header before decoding: a decompression bomb never gets its pixels.
  if (primary.width * primary.height > maxPixels) {
    parentPort.postMessage({ error: "too many pixels", tooLarge: true });
  } else {
    const { width, height, data } = await primary.decode();
    // RGBA bytes (a typed array over its own buffer): moved to the main thread, not copied.
    const rgba =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    parentPort.postMessage({ width, height, data: rgba }, [rgba.buffer]);
  }
} catch (err) {
  parentPort.postMessage({ error: String(err?.message ?? err) });
}
