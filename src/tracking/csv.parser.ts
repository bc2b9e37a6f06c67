/**
 * A streaming RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF, newlines inside
 * quotes. Feed it chunks; it yields each record with the line number it started on.
 */
export class CsvReader {
  private field = "";
  private record: string[] = [];
  private quoted = false;
  private afterQuote = false;
  private line = 1;
  private recordLine = 1;
  private pendingCr = false;

  *push(chunk: string): Generator<{ line: number; fields: string[] }> {
    for (const ch of chunk) {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (ch === "\n") continue;
      }
      if (this.quoted) {
        if (ch === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else {
          if (ch === "\n") this.line++;
          this.field += ch;
        }
        continue;
      }
      if (ch === '"') {
        if (this.afterQuote) this.field += '"'; // "" inside quotes
        this.quoted = true;
        this.afterQuote = false;
        continue;
      }
      this.afterQuote = false;
      if (ch === ",") {
        this.record.push(this.field);
        this.field = "";
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r") this.pendingCr = true;
        this.record.push(this.field);
        yield { line: this.recordLine, fields: this.record };
        this.record = [];
        this.field = "";
        this.line++;
        this.recordLine = this.line;
      } else {
        this.field += ch;
      }
    }
  }

  /** The last record when the file does not end with a newline. */
  *end(): Generator<{ line: number; fields: string[] }> {
    if (this.field !== "" || this.record.length) {
      this.record.push(this.field);
      yield { line: this.recordLine, fields: this.record };
    }
    this.record = [];
    this.field = "";
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
