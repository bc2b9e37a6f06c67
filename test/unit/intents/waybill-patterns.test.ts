import { describe, expect, it } from "vitest";
import { detectCarriers, normaliseWaybill } from "../../../intents/index.js";
import { looksLikeWaybill } from "../../../intents/waybill.patterns.js";

// Carrier detection at the edges of each format (waybill.patterns.ts): a customer pasting a
// waybill one digit short or long must not be told a carrier, and a valid one must be.
const d = (n: number, lead = "1"): string => (lead + "0".repeat(n)).slice(0, n);

describe("normaliseWaybill: what a customer types becomes the canonical waybill", () => {
  it("upper-cases, drops separators and reads full-width letters and digits", () => {
    expect(normaliseWaybill("sf 1438-8293.0157 6")).toBe("SF1438829301576");
    expect(normaliseWaybill("ｓｆ１４３８８２９３０１５７６")).toBe("SF1438829301576");
    expect(normaliseWaybill("ＳＦ１４３８－８２９３")).toBe("SF14388293");
    expect(normaliseWaybill("单号：JD00１")).toBe("JD001");
  });
});

describe("detectCarriers: prefixed waybills at the length limits", () => {
  const cases: [string, string[]][] = [
    [`SF${d(12)}`, ["SF"]],
    [`SF${d(13)}`, ["SF"]],
    [`SF${d(11)}`, []],
    [`SF${d(14)}`, []],
    [`XSF${d(12)}`, []],
    [`YT${d(13)}`, ["YTO"]],
    [`YT${d(16)}`, ["YTO"]],
    [`YT${d(12)}`, []],
    [`YT${d(17)}`, []],
    [`JT${d(13)}`, ["JT"]],
    [`JT${d(12)}`, []],
    [`JT${d(14)}`, []],
    [`JD${d(11)}`, ["JD"]],
    [`JDVA${d(11)}`, ["JD"]],
    [`JD${d(15)}`, ["JD"]],
    [`JD${d(10)}`, []],
    [`JD${d(16)}`, []],
    [`VA${d(11)}`, ["JD"]],
    [`VC${d(13)}`, ["JD"]],
    [`VA${d(10)}`, []],
    [`VA${d(14)}`, []],
    [`VD${d(11)}`, []],
    [`DPK${d(9)}`, ["DEPPON"]],
    [`DPK${d(13)}`, ["DEPPON"]],
    [`DPK${d(8)}`, []],
    [`DPK${d(14)}`, []],
    ["EA123456789CN", ["EMS"]],
    ["KA123456789CN", ["EMS"]],
    ["RR123456789US", ["EMS"]],
    ["RR12345678US", []],
    ["RR1234567890US", []],
    ["RR123456789U", []],
  ];
  it.each(cases)("%s → %j", (w, carriers) => {
    expect(detectCarriers(w)).toEqual(carriers);
  });
  it("reads a waybill as typed (lower case, spaces)", () => {
    expect(detectCarriers("sf 1438 8293 0157 6")).toEqual(["SF"]);
  });
});

describe("detectCarriers: bare digit strings, ranked by length and lead", () => {
  const cases: [string, string[]][] = [
    [`77${d(13)}`, ["STO", "YUNDA"]],
    [`7${d(13, "0")}`, ["ZTO"]],
    [`43${d(13)}`, ["YUNDA", "STO"]],
    [`39${d(13)}`, ["YUNDA", "STO"]],
    [`10${d(11)}`, ["EMS", "YUNDA"]],
    [`95${d(11)}`, ["EMS", "YUNDA"]],
    [`50${d(11)}`, ["EMS", "YUNDA"]],
    [`2${d(12)}`, ["YUNDA", "EMS"]],
    [`2${d(11)}`, ["SF", "ZTO", "STO"]],
    [`9${d(11)}`, ["SF", "ZTO", "STO"]],
    [`1${d(11)}`, []],
    [`2${d(14)}`, ["YUNDA", "STO"]],
    [`2${d(13)}`, ["ZTO"]],
    [`2${d(9)}`, ["YTO", "DEPPON"]],
    [`0${d(9)}`, []],
    [`0${d(12)}`, []],
    ["431", []],
    ["771", []],
    ["71", []],
    ["101", []],
    ["21", []],
    [d(16), []],
  ];
  it.each(cases)("%s → %j", (w, carriers) => {
    expect(detectCarriers(w)).toEqual(carriers);
  });
});

describe("looksLikeWaybill: plausible waybills of carriers we do not know", () => {
  it.each([
    ["ZZ12345678", true],
    ["ABCD123456789012345678", true],
    ["ABCD1234567890123456789", false],
    ["ABCDE12345678", false],
    ["Z1234567", false],
    ["ZZ12345678AB", true],
    ["ZZ12345678ABC", false],
    [`0${d(9)}`, true],
    [`0${d(19)}`, true],
    [`0${d(8)}`, false],
    [`0${d(20)}`, false],
    [`SF${d(12)}`, true],
    ["X0123456789Y0", false],
  ] as [string, boolean][])("%s → %s", (w, ok) => {
    expect(looksLikeWaybill(w)).toBe(ok);
  });
});
