// The OCR worker thread (issue 17): PaddleOCR through @gutenye/ocr-node, off the main event loop
// (its pre- and post-processing is JavaScript that held the loop ~0.3–0.7 s per photo). Plain
// JavaScript, so that tsx (dev, tests), dist/ and the bundle all start it as the same file
// (scripts/build.mjs links this folder into dist/). Protocol: { id, image } in; { id, lines } or
// { id, error } out; { ready } once the model is loaded, or { fatal } if it cannot be.
import { parentPort } from "node:worker_threads";

let ocr;
try {
  const { default: Ocr } = await import("@gutenye/ocr-node");
  ocr = await Ocr.create();
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ fatal: String(err?.message ?? err) });
}

parentPort.on("message", async ({ id, image }) => {
  if (!ocr) return parentPort.postMessage({ id, error: "OCR model not loaded" });
  try {
    const lines = await ocr.detect(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
    parentPort.postMessage({ id, lines: lines.map((l) => ({ text: l.text, confidence: l.mean })) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});
