/**
 * `npm run tracking -- import FILE.csv`: bulk import of tracking events (progress on stderr,
 * summary of rows imported, skipped and rejected with line numbers and reasons).
 * `npm run tracking -- lookup WAYBILL`: what the store knows about a waybill.
 * Embedded mode: stop the server first (PGlite is single-process).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";
import { migrate } from "../db/migrate.js";
import { maskPhone } from "../logger.js";
import { mapHeader, readCsvStream } from "./csv.parser.js";
import { type IngestSummary, MAX_BATCH, TrackingIngestService } from "./ingest.service.js";
import { StoreTrackingProvider } from "./store.provider.js";

const MAX_LISTED = 50;

interface ImportReport {
  rows: number;
  imported: number;
  skipped: number;
  rejected: { line: number; reason: string }[];
}

function bar(done: number, total: number, rows: number): string {
  const width = 30;
  const ratio = total ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString("en")} rows`;
}

export async function importCsv(
  file: string,
  ingest: TrackingIngestService,
  progress: (done: number, total: number, rows: number) => void = () => {},
): Promise<ImportReport> {
  const total = fs.statSync(file).size;
  const report: ImportReport = { rows: 0, imported: 0, skipped: 0, rejected: [] };
  let header: Map<string, number> | undefined;
  let batch: { line: number; event: Record<string, string> }[] = [];
  let bytes = 0;

  const flush = async () => {
    if (!batch.length) return;
    const summary: IngestSummary = await ingest.ingest(batch.map((b) => b.event));
    for (const item of summary.items) {
      if (item.result === "stored") report.imported++;
      else if (item.result === "duplicate") report.skipped++;
      else if (item.result === "rejected")
        report.rejected.push({ line: batch[item.index]!.line, reason: `${item.code}: ${item.reason}` });
    }
    batch = [];
  };

  const handle = async (rec: { line: number; fields: string[] }) => {
    if (rec.fields.every((f) => f.trim() === "")) return; // blank line
    if (!header) {
      const { map, missing } = mapHeader(rec.fields);
      if (missing.length) throw new Error(`line ${rec.line}: header lacks column(s) ${missing.join(", ")}`);
      header = map;
      return;
    }
    report.rows++;
    const event: Record<string, string> = {};
    for (const [field, i] of header) {
      const v = rec.fields[i];
      if (v !== undefined && v.trim() !== "") event[field] = v;
    }
    batch.push({ line: rec.line, event });
    if (batch.length >= MAX_BATCH) await flush();
  };

  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
      progress(bytes, total, report.rows);
    }
  }
  // A malformed file (an unclosed quote) stops the import with `line N: malformed CSV: …`.
  for await (const rec of readCsvStream(chunks())) await handle(rec);
  await flush();
  progress(total, total, report.rows);
  if (!header) throw new Error("the file is empty: expected a header row");
  return report;
}

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  if (!command || !["import", "lookup"].includes(command) || !arg) {
    process.stderr.write(
      "usage: npm run tracking -- import FILE.csv\n       npm run tracking -- lookup WAYBILL\n" +
        "CSV header: waybill,carrier,time,status,location,description[,origin,destination,senderPhone,receiverPhone]\n",
    );
    return 64;
  }
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir });
  try {
    await migrate(db);
    if (command === "lookup") {
      const [found] = await new StoreTrackingProvider(db, 50).lookup(arg.toUpperCase());
      if (!found) {
        process.stdout.write(`${arg}: not found\n`);
        return 1;
      }
      process.stdout.write(`${found.carrier} ${found.waybill}: ${found.status}\n`);
      for (const e of found.events)
        process.stdout.write(
          `  ${e.time.toISOString()}  ${e.status.padEnd(20)} ${e.location ?? ""} ${e.description}\n`,
        );
      return 0;
    }
    if (!fs.existsSync(arg)) {
      process.stderr.write(`${arg}: no such file\n`);
      return 66;
    }
    const ingest = new TrackingIngestService(db.prisma, pino({ level: "silent" }));
    const tty = process.stderr.isTTY;
    let last = 0;
    const started = Date.now();
    const report = await importCsv(arg, ingest, (done, total, rows) => {
      const now = Date.now();
      if (tty && (now - last > 100 || done === total)) {
        last = now;
        process.stderr.write(bar(done, total, rows));
      }
    });
    if (tty) process.stderr.write("\n");
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `rows: ${report.rows}  imported: ${report.imported}  skipped (already stored): ${report.skipped}  rejected: ${report.rejected.length}  (${seconds.toFixed(1)} s)\n`,
    );
    for (const r of report.rejected.slice(0, MAX_LISTED)) {
      process.stdout.write(`  line ${r.line}: ${r.reason.replace(/1[3-9]\d{9}/g, (m) => maskPhone(m))}\n`);
    }
    if (report.rejected.length > MAX_LISTED)
      process.stdout.write(`  … and ${report.rejected.length - MAX_LISTED} more\n`);
    return report.rejected.length ? 2 : 0;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`\n${err.message}\n`);
      process.exit(1);
    },
  );
}
