import { describe, expect, it } from "vitest";
import { CsvMalformedError, type CsvRecord, readCsv, readCsvStream } from "../../../src/tracking/csv.parser.js";

/** The stream reader fed `size` characters at a time (a chunk may end between \r and \n, or inside a quote). */
async function streamed(text: string, size: number): Promise<CsvRecord[]> {
  async function* chunks() {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  const out: CsvRecord[] = [];
  for await (const rec of readCsvStream(chunks())) out.push(rec);
  return out;
}

/** Both readers, the stream one at every chunk size up to the text's length, must agree. */
async function both(text: string): Promise<CsvRecord[]> {
  const whole = readCsv(text);
  for (let size = 1; size <= text.length; size++) expect(await streamed(text, size)).toEqual(whole);
  return whole;
}

async function failure(text: string): Promise<CsvMalformedError[]> {
  const errors: unknown[] = [];
  try {
    readCsv(text);
  } catch (err) {
    errors.push(err);
  }
  for (const size of [1, 3, text.length]) await streamed(text, size).catch((err: unknown) => errors.push(err));
  expect(errors).toHaveLength(4);
  for (const err of errors) expect(err).toBeInstanceOf(CsvMalformedError);
  return errors as CsvMalformedError[];
}

describe("CSV reader (csv-parse)", () => {
  it("handles quotes, doubled quotes, CRLF then LF, newlines in quotes and chunk boundaries", async () => {
    const text =
      'waybill,time,status,description\r\nSF1,"2026-05-10 12:00","3","签收，签收人：""门卫"""\r\nSF2,t,s,"line1\nline2"\nSF3,t,s,last';
    const out = await both(text);
    expect(out.map((r) => r.line)).toEqual([1, 2, 3, 5]);
    expect(out[1]!.fields).toEqual(["SF1", "2026-05-10 12:00", "3", '签收，签收人："门卫"']);
    expect(out[2]!.fields[3]).toBe("line1\nline2");
    expect(out[3]!.fields).toEqual(["SF3", "t", "s", "last"]);
  });

  it("reads CR-only files (old Mac / some carrier exports) and counts their lines", async () => {
    const out = await both('a,b\rc,"x\ry"\r\re,f\r');
    expect(out.map((r) => [r.line, r.fields])).toEqual([
      [1, ["a", "b"]],
      [2, ["c", "x\ry"]],
      [4, [""]],
      [5, ["e", "f"]],
    ]);
  });

  it("a CRLF inside a quoted field is one line (csv-parse's own info.lines counts two)", async () => {
    const out = await both('h\r\n"one\r\ntwo"\r\nnext\r\n');
    expect(out.map((r) => [r.line, r.fields])).toEqual([
      [1, ["h"]],
      [2, ["one\r\ntwo"]],
      [4, ["next"]],
    ]);
  });

  it("drops a byte-order mark; blank lines come through as one empty field and keep the count", async () => {
    const out = await both("\uFEFFwaybill,status\n\n\r\nSF1,ok\n");
    expect(out.map((r) => [r.line, r.fields])).toEqual([
      [1, ["waybill", "status"]],
      [2, [""]],
      [3, [""]],
      [4, ["SF1", "ok"]],
    ]);
  });

  it("rows may have fewer or more fields than the header", async () => {
    const out = await both("a,b,c\n1\n1,2,3,4\n");
    expect(out.map((r) => r.fields)).toEqual([["a", "b", "c"], ["1"], ["1", "2", "3", "4"]]);
  });

  it("an unclosed quote fails with the line its record starts on", async () => {
    for (const err of await failure('waybill,description\nSF1,ok\r\nSF2,"never closed\nSF3,x\n')) {
      expect(err.code).toBe("CSV_MALFORMED");
      expect(err.line).toBe(3);
      expect(err.message).toBe("line 3: malformed CSV: a quoted field is not closed");
    }
  });

  it("text after a closing quote fails with its record's line, counted past a multi-line record", async () => {
    for (const err of await failure('h,d\n1,"two\nlines"\n2,"ok"x\n')) {
      expect(err.line).toBe(4);
      expect(err.message).toMatch(/^line 4: malformed CSV: text follows a closing quote/);
    }
  });

  it("a quote inside an unquoted field fails with its line (it was silently dropped before)", async () => {
    for (const err of await failure('waybill,description\r\r\nSF1,签收人"门卫"\r\n')) {
      expect(err.line).toBe(3); // \r ends line 1, \r\n is the blank line 2
      expect(err.message).toMatch(/^line 3: malformed CSV: a quote inside an unquoted field/);
    }
  });

  it("the stream reader passes on a failing source's own error", async () => {
    async function* broken() {
      yield "a,b\n";
      throw new Error("disk gone");
    }
    await expect(
      (async () => {
        for await (const _ of readCsvStream(broken()));
      })(),
    ).rejects.toThrow("disk gone");
  });
});
