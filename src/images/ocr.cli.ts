/**
 * `npm run ocr -- eval [--count N] [--seed S] [--save DIR]`: the OCR evaluation (src/images/ocr.eval.ts).
 * `npm run ocr -- read FILE…`: prints the text and the waybill numbers read from image files.
 */
import fs from "node:fs";
import path from "node:path";
import { prepareImage } from "./image.inspect.js";
import { generateSet, runEval } from "./ocr.eval.js";
import { PaddleTextReader, waybillsInText } from "./ocr.js";

const [command, ...args] = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

if (command === "eval") {
  const count = Number(option("count") ?? 60);
  const set = await generateSet(count, Number(option("seed") ?? 17));
  const save = option("save");
  if (save) {
    fs.mkdirSync(save, { recursive: true });
    for (const [i, img] of set.entries())
      fs.writeFileSync(path.join(save, `${String(i).padStart(2, "0")}.jpg`), img.bytes);
  }
  const r = await runEval(set);
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "-");
  console.log(`images                 ${r.images} (${r.legible} legible)`);
  console.log(
    `exact match, legible   ${r.exactLegible}/${r.legible} = ${pct(r.exactLegible, r.legible)}   (target ≥ 95%)`,
  );
  console.log(`exact match, all       ${r.exactAll}/${r.images} = ${pct(r.exactAll, r.images)}`);
  console.log(`false numbers          ${r.falseNumbers}   (target 0)`);
  console.log(
    `time per image         p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms (check + OCR + extraction)`,
  );
  console.log(`model load             ${r.modelLoadMs.toFixed(0)} ms`);
  for (const f of r.failures) console.log(`  miss: ${f}`);
} else if (command === "read") {
  const reader = new PaddleTextReader();
  for (const file of args) {
    const lines = await reader.read((await prepareImage(fs.readFileSync(file))).data);
    console.log(`${file}\n  text: ${lines.map((l) => `${l.text} (${l.confidence.toFixed(2)})`).join(" | ")}`);
    console.log(`  waybills: ${waybillsInText(lines).join(", ") || "(none)"}`);
  }
  await reader.close();
} else {
  console.log("usage: npm run ocr -- eval [--count N] [--seed S] [--save DIR] | read FILE…");
  process.exitCode = 1;
}
