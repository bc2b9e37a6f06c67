import { describe, expect, it } from "vitest";
import { extractEntities } from "../../../intents/index.js";

// Customers paste waybills from apps, PDFs and IMEs that join the groups with whatever dash or
// space the source used. Each kind, alone inside a waybill, must still find the whole waybill
// (text.normaliser.ts maps them to "-" / " " before the extractor's region scan).
const DASHES: [string, string][] = [
  ["hyphen-minus U+002D", "-"],
  ["hyphen U+2010", "\u2010"],
  ["non-breaking hyphen U+2011", "\u2011"],
  ["figure dash U+2012", "\u2012"],
  ["en dash U+2013", "\u2013"],
  ["em dash U+2014", "\u2014"],
  ["horizontal bar U+2015", "\u2015"],
  ["minus sign U+2212", "\u2212"],
  ["full-width hyphen-minus U+FF0D", "\uff0d"],
];
const SPACES: [string, string][] = [
  ["space U+0020", " "],
  ["no-break space U+00A0", "\u00a0"],
  ["en quad U+2000", "\u2000"],
  ["em quad U+2001", "\u2001"],
  ["en space U+2002", "\u2002"],
  ["em space U+2003", "\u2003"],
  ["three-per-em space U+2004", "\u2004"],
  ["four-per-em space U+2005", "\u2005"],
  ["six-per-em space U+2006", "\u2006"],
  ["figure space U+2007", "\u2007"],
  ["punctuation space U+2008", "\u2008"],
  ["thin space U+2009", "\u2009"],
  ["hair space U+200A", "\u200a"],
  ["zero-width space U+200B", "\u200b"],
  ["narrow no-break space U+202F", "\u202f"],
  ["word joiner U+2060", "\u2060"],
  ["ideographic (full-width) space U+3000", "\u3000"],
  ["zero-width no-break space U+FEFF", "\ufeff"],
];

describe("a waybill split by any dash or space kind is found whole", () => {
  it.each([...DASHES, ...SPACES])("%s", (_name, sep) => {
    const raw = `SF1438${sep}8293${sep}01576`;
    const text = `单号${raw}到哪了`;
    const waybills = extractEntities(text).filter((e) => e.type === "waybill");
    expect(waybills.map((w) => w.value)).toEqual(["SF1438829301576"]);
    expect(waybills[0]?.carrier).toBe("SF");
    // The offsets cover the customer's own spelling, separators included.
    expect(text.slice(waybills[0]?.start, waybills[0]?.end)).toBe(raw);
  });
});

describe("waybills pasted back to back without a separator", () => {
  it("finds each of two lettered waybills glued together", () => {
    const waybills = extractEntities("SF1438829301576SF1438829301590")
      .filter((e) => e.type === "waybill")
      .map((e) => e.value);
    expect(waybills).toEqual(["SF1438829301576", "SF1438829301590"]);
  });

  it("finds a lettered waybill glued after a numeric one", () => {
    const waybills = extractEntities("查一下75312345678901YT1234567890123")
      .filter((e) => e.type === "waybill")
      .map((e) => e.value);
    expect(waybills).toEqual(["75312345678901", "YT1234567890123"]);
  });

  it("keeps a UPU letter suffix on its waybill", () => {
    const waybills = extractEntities("EA123456789CN").filter((e) => e.type === "waybill");
    expect(waybills.map((e) => e.value)).toEqual(["EA123456789CN"]);
  });
});
