import type { CarrierCode } from "./nlu.js";

/**
 * Waybill (运单号) formats. Carrier detection follows the approach of the tracking
 * aggregators' auto-detect: a prefix decides outright; a bare digit string is ranked
 * by length and leading digits, most common carrier first.
 */

/** Upper-case, drop spaces, dashes, dots and full-width forms: "sf 1438-8293 0157 6" → "SF1438829301576". */
export function normaliseWaybill(raw: string): string {
  let out = "";
  for (const ch of raw) {
    let c = ch.codePointAt(0) ?? 0;
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    const s = String.fromCharCode(c);
    if (/[0-9]/.test(s)) out += s;
    else if (/[a-zA-Z]/.test(s)) out += s.toUpperCase();
  }
  return out;
}

interface Rule {
  re: RegExp;
  carriers: CarrierCode[];
}

// Order matters only within one waybill: results are merged, first rule first.
const PREFIX_RULES: Rule[] = [
  { re: /^SF\d{12,13}$/, carriers: ["SF"] },
  { re: /^YT\d{13,16}$/, carriers: ["YTO"] },
  { re: /^JT\d{13}$/, carriers: ["JT"] },
  { re: /^JD[A-Z0-9]{11,15}$/, carriers: ["JD"] },
  { re: /^V[A-C]\d{11,13}$/, carriers: ["JD"] },
  { re: /^DPK\d{9,13}$/, carriers: ["DEPPON"] },
  { re: /^(?:E[A-Z]|[CLRUV][A-Z]|K[A-Z])\d{9}CN$/, carriers: ["EMS"] },
  { re: /^[A-Z]{2}\d{9}[A-Z]{2}$/, carriers: ["EMS"] }, // UPU S10 from abroad, handed to China Post
];

const DIGIT_RULES: Rule[] = [
  { re: /^77\d{13}$/, carriers: ["STO"] },
  { re: /^7\d{13}$/, carriers: ["ZTO"] },
  { re: /^(?:43|46|31|32|33|34|35|36|39)\d{13}$/, carriers: ["YUNDA"] },
  { re: /^(?:1[01]|9[5-9]|50)\d{11}$/, carriers: ["EMS", "YUNDA"] },
  { re: /^[1-9]\d{12}$/, carriers: ["YUNDA", "EMS"] },
  { re: /^[2-9]\d{11}$/, carriers: ["SF", "ZTO", "STO"] },
  { re: /^[1-9]\d{14}$/, carriers: ["YUNDA", "STO"] },
  { re: /^[1-9]\d{13}$/, carriers: ["ZTO"] },
  { re: /^[1-9]\d{9}$/, carriers: ["YTO", "DEPPON"] },
];

/** Ranked carrier candidates for a normalised waybill, best first; [] if none fits. */
export function detectCarriers(waybill: string): CarrierCode[] {
  const w = normaliseWaybill(waybill);
  const out: CarrierCode[] = [];
  const rules = /^\d+$/.test(w) ? DIGIT_RULES : PREFIX_RULES;
  for (const r of rules) {
    if (r.re.test(w)) for (const c of r.carriers) if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** Shape check used by the extractor: is this normalised string plausibly a waybill at all? */
export function looksLikeWaybill(w: string): boolean {
  if (detectCarriers(w).length > 0) return true;
  // Unknown carriers: 1–4 letter prefix plus 8–18 digits, or 10–20 digits.
  return /^[A-Z]{1,4}\d{8,18}[A-Z]{0,2}$/.test(w) || /^\d{10,20}$/.test(w);
}

export const WAYBILL_FORMATS: Record<CarrierCode, { zh: string; en: string }> = {
  SF: {
    zh: "顺丰单号是15位：SF加13位数字（老单号为12位数字）",
    en: 'SF Express: 15 characters, "SF" + 13 digits (legacy: 12 digits)',
  },
  ZTO: {
    zh: "中通单号一般是14位数字，以7开头（老单号12位）",
    en: "ZTO: usually 14 digits starting with 7 (legacy: 12 digits)",
  },
  YTO: { zh: "圆通单号是YT加13位数字，共15位", en: 'YTO: "YT" + 13 digits, 15 characters' },
  STO: { zh: "申通单号一般是15位数字，以77开头", en: "STO: usually 15 digits starting with 77" },
  YUNDA: { zh: "韵达单号一般是13位或15位数字", en: "Yunda: usually 13 or 15 digits" },
  JD: {
    zh: "京东单号以JD开头，共15位（如JDVA开头）",
    en: 'JD Logistics: starts with "JD", 15 characters (e.g. JDVA…)',
  },
  JT: { zh: "极兔单号是JT加13位数字，共15位", en: 'J&T Express: "JT" + 13 digits, 15 characters' },
  DEPPON: { zh: "德邦单号以DPK开头加12位数字，老单号为10位数字", en: 'Deppon: "DPK" + 12 digits (legacy: 10 digits)' },
  EMS: {
    zh: "EMS/邮政单号是13位：两个字母+9位数字+CN，或13位数字",
    en: 'EMS/China Post: 13 characters, 2 letters + 9 digits + "CN", or 13 digits',
  },
};
