/**
 * CSV records with the line each one starts on, read by csv-parse (RFC 4180: quoted fields,
 * doubled quotes, newlines inside quotes). Used by the tracking import (`npm run tracking --
 * import`, streamed) and the knowledge-base import (`POST /api/kb/import?format=csv`, in memory).
 *
 * Lines are counted here, not taken from csv-parse's `info.lines`: that counts a CRLF inside a
 * quoted field as two lines. A record starts on the line after the previous one ends; its `raw`
 * text holds every line break inside it plus one character of its delimiter.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, type Options, parse as parseStream } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";

export interface CsvRecord {
  /** 1-based line the record starts on (a byte-order mark is not a line). */
  line: number;
  fields: string[];
}

/**
 * The file is not well-formed CSV: a quoted field never closed, text after a closing quote, or a
 * quote inside an unquoted field (csv-parse is strict; the hand-written reader it replaced guessed,
 * and an unclosed quote silently swallowed the rest of the file into one field).
 * `line` is the line the broken record starts on; the message reads `line N: malformed CSV: …`.
 */
export class CsvMalformedError extends Error {
  readonly code = "CSV_MALFORMED";
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: malformed CSV: ${reason}`);
    this.name = "CsvMalformedError";
  }
}

/** csv-parse options, with `on_record` turning each record into a CsvRecord and counting lines. */
function options(): { options: Options; line: () => number } {
  let line = 1;
  const on_record = ({ record, raw }: { record: string[]; raw: string }): CsvRecord => {
    const rec = { line, fields: record };
    line += raw.match(BREAKS)?.length ?? 0;
    return rec;
  };
  return {
    line: () => line,
    options: {
      bom: true,
      raw: true,
      // Files mix line endings (an export edited by hand); csv-parse would otherwise keep the first one it sees.
      record_delimiter: ["\r\n", "\n", "\r"],
      // Rows may be short or long; the callers read columns by index.
      relax_column_count: true,
      // Blank lines come through as [""] so that the line count stays right; the callers skip them.
      skip_empty_lines: false,
      // With `raw`, csv-parse hands on_record { record, raw }; its typings say string[].
      on_record: on_record as unknown as Options["on_record"],
    },
  };
}

const BREAKS = /\r\n|\r|\n/g;

const REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is not closed",
  CSV_INVALID_CLOSING_QUOTE: "text follows a closing quote (a quote inside a quoted field is written twice)",
  INVALID_OPENING_QUOTE: "a quote inside an unquoted field (quote the whole field and write the quote twice)",
};

/** csv-parse's error as a CsvMalformedError at the line the failing record starts on; other errors as they are. */
function malformed(err: unknown, line: number): unknown {
  if (!(err instanceof CsvError)) return err;
  return new CsvMalformedError(line, REASONS[err.code] ?? err.code);
}

/** Every record of an in-memory CSV text; throws CsvMalformedError. */
export function readCsv(text: string): CsvRecord[] {
  const { options: opts, line } = options();
  try {
    return parseSync(text, opts) as unknown as CsvRecord[];
  } catch (err) {
    throw malformed(err, line());
  }
}

/** Records of a streamed CSV (chunks of text or bytes), in order; throws CsvMalformedError. */
export async function* readCsvStream(source: AsyncIterable<string | Buffer>): AsyncGenerator<CsvRecord> {
  const { options: opts, line } = options();
  const parser = parseStream(opts);
  // Errors surface through the iteration below (pipeline destroys the parser with them).
  const feeding = pipeline(Readable.from(source), parser).catch(() => {});
  try {
    for await (const rec of parser as AsyncIterable<CsvRecord>) yield rec;
  } catch (err) {
    throw malformed(err, line());
  } finally {
    parser.destroy();
    await feeding;
  }
}

/** Header names accepted for each event field (English or the Chinese a carrier export uses). */
export const CSV_COLUMNS: Record<string, string[]> = {
  waybill: ["waybill", "运单号", "快递单号", "单号"],
  carrier: ["carrier", "快递公司", "承运商"],
  time: ["time", "时间", "事件时间"],
  status: ["status", "状态"],
  location: ["location", "地点", "所在地"],
  description: ["description", "描述", "物流信息", "详情"],
  origin: ["origin", "始发地", "寄件城市"],
  destination: ["destination", "目的地", "收件城市"],
  senderPhone: ["senderphone", "sender_phone", "寄件人电话"],
  receiverPhone: ["receiverphone", "receiver_phone", "收件人电话"],
};

/** Maps a header row to field → column index; unknown columns are ignored. */
export function mapHeader(header: string[]): { map: Map<string, number>; missing: string[] } {
  const map = new Map<string, number>();
  header.forEach((raw, i) => {
    const name = raw
      .replace(/^\uFEFF/, "")
      .trim()
      .toLowerCase();
    for (const [field, aliases] of Object.entries(CSV_COLUMNS)) if (aliases.includes(name)) map.set(field, i);
  });
  const missing = ["waybill", "time", "status", "description"].filter((f) => !map.has(f));
  return { map, missing };
}
