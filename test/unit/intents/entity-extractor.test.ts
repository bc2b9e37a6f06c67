import { describe, expect, it } from "vitest";
import { extractEntities } from "../../../intents/index.js";

// extractEntities (entity.extractor.ts) on what customers write: [type, value, start, end, carrier].
type Row = [string, string, number, number, string | undefined];
const rows = (text: string): Row[] =>
  extractEntities(text).map((e) => [e.type, e.value, e.start, e.end, e.carrier] as Row);

const cases: [string, string, Row[]][] = [
  ["a ticket number", "工单202611-00012进度", [["ticket_number", "202611-00012", 2, 14, undefined]]],
  [
    "a ticket number with spaces around the dash",
    "工单 202611 - 00012",
    [["ticket_number", "202611-00012", 3, 17, undefined]],
  ],
  ["not a ticket number glued to a letter", "a202611-00012", []],
  ["not a ticket number with six serial digits", "202611-000123", []],
  ["a mobile number", "13812345678", [["phone", "13812345678", 0, 11, undefined]]],
  ["a mobile number with +86 and spaces", "+86 138 1234 5678", [["phone", "13812345678", 0, 17, undefined]]],
  ["a mobile number with 86 glued on", "8613812345678", [["phone", "13812345678", 0, 13, undefined]]],
  ["phone-shaped but no mobile prefix: neither phone nor waybill", "12345678901", []],
  ["a 400 hotline is not a waybill", "4001234567", []],
  ["a leading 0 is not a waybill", "0123456789", []],
  ["17 digits is not a waybill", "12345678901234567", []],
  ["a date and a time are not a waybill", "20261130 143055", []],
  ["an order number is not a waybill", "订单号：1234567890123", []],
  ["a QQ number is not a waybill", "QQ 1234567890", []],
  ["a bare waybill after 单号", "单号：1234567890123", [["waybill", "1234567890123", 3, 16, "YUNDA"]]],
  ["SF waybill in spaced groups", "SF 1438 8293 0157 6", [["waybill", "SF1438829301576", 0, 19, "SF"]]],
  [
    "a stray word before a waybill stays out of it",
    "abc 1234567890123",
    [["waybill", "1234567890123", 4, 17, "YUNDA"]],
  ],
  ["a known prefix as its own word joins the digits", "sf 123456789012", [["waybill", "SF123456789012", 0, 15, "SF"]]],
  ["an EMS waybill typed in three words", "EA 123456789 CN", [["waybill", "EA123456789CN", 0, 15, "EMS"]]],
  ["¥ amount", "¥25", [["amount", "25", 0, 3, undefined]]],
  ["元 amount", "25元", [["amount", "25", 0, 3, undefined]]],
  ["decimal 块 amount", "25.50块", [["amount", "25.5", 0, 6, undefined]]],
  ["rmb before the number", "rmb 30", [["amount", "30", 0, 6, undefined]]],
  ["yuan after the number", "30 yuan", [["amount", "30", 0, 7, undefined]]],
  ["yuan glued to a longer word is not a unit", "30yuanx", []],
  ["a number glued to a letter is not an amount", "a30元", []],
  ["a bare number is not an amount", "300", []],
  ["三十块", "三十块", [["amount", "30", 0, 3, undefined]]],
  ["两百元", "两百元", [["amount", "200", 0, 3, undefined]]],
  ["一万五千元", "一万五千元", [["amount", "15000", 0, 5, undefined]]],
  ["十块", "十块", [["amount", "10", 0, 2, undefined]]],
  ["十五块", "十五块", [["amount", "15", 0, 3, undefined]]],
  ["二十块", "二十块", [["amount", "20", 0, 3, undefined]]],
  ["一千二百元", "一千二百元", [["amount", "1200", 0, 5, undefined]]],
  ["三万元", "三万元", [["amount", "30000", 0, 3, undefined]]],
  ["三十万元", "三十万元", [["amount", "300000", 0, 4, undefined]]],
  ["块钱", "30块钱", [["amount", "30", 0, 4, undefined]]],
  ["元钱", "30元钱", [["amount", "30", 0, 4, undefined]]],
  ["kuai", "30 kuai", [["amount", "30", 0, 7, undefined]]],
  ["rmb after the number", "30rmb", [["amount", "30", 0, 5, undefined]]],
  ["¥ and a space", "¥ 25", [["amount", "25", 0, 4, undefined]]],
  ["人民币…元", "人民币25元", [["amount", "25", 0, 6, undefined]]],
  ["the amount ends at its unit", "25 块 好", [["amount", "25", 0, 4, undefined]]],
  ["yuan before a full stop", "30 yuan.", [["amount", "30", 0, 7, undefined]]],
  ["a number without a unit is not an amount", "价格25.", []],
  ["a JD waybill with its JDVA prefix as a word", "JDVA 12345678901", [["waybill", "JDVA12345678901", 0, 16, "JD"]]],
  ["stray words on both sides stay out", "abc 123456789012 de", [["waybill", "123456789012", 4, 16, undefined]]],
  [
    "a stray 2-letter word after a known waybill stays out",
    "SF1438829301576 cn",
    [["waybill", "SF1438829301576", 0, 15, "SF"]],
  ],
  ["letters glued to 6 digits and a short group: nothing", "xyz123456 78901", []],
  ["+86 glued to a mobile", "+8613812345678", [["phone", "13812345678", 0, 14, undefined]]],
  ["a foreign +number is not a waybill", "+1234567890123", []],
  ["16 digits of an unknown carrier", "9912345678901234", [["waybill", "9912345678901234", 0, 16, undefined]]],
  ["an ID card number is not a waybill", "11010119900307123x", []],
  [
    "a known carrier's waybill after 订单 is still a waybill",
    "订单：SF1438829301576",
    [["waybill", "SF1438829301576", 3, 18, "SF"]],
  ],
  ["an unknown code after 订单 is not", "订单：ZZ12345678", []],
  [
    "an unknown code alone is a waybill of an unknown carrier",
    "ZZ12345678",
    [["waybill", "ZZ12345678", 0, 10, undefined]],
  ],
  ["an ID number after 身份证 is not a waybill", "身份证1234567890", []],
  ["a staff number after 工号 is not a waybill", "工号12345678901", []],
  [
    "entities come in text order whatever found them",
    "赔200元，单号YT1234567890123",
    [
      ["amount", "200", 1, 5, undefined],
      ["waybill", "YT1234567890123", 8, 23, "YTO"],
    ],
  ],
  ["rmb glued to a longer word is not a unit", "30 rmbx", []],
  ["kuai glued to a longer word is not a unit", "30 kuaix", []],
  ["an amount ends before a trailing space", "¥25 好", [["amount", "25", 0, 3, undefined]]],
  [
    "a mobile number at the end of 13 digits is not a phone",
    "9913812345678",
    [["waybill", "9913812345678", 0, 13, "EMS"]],
  ],
  [
    "a mobile number at the start of 13 digits is not a phone",
    "1381234567899",
    [["waybill", "1381234567899", 0, 13, "YUNDA"]],
  ],
  ["400… inside 11 digits is not the hotline", "94001234567", [["waybill", "94001234567", 0, 11, undefined]]],
  ["400 + 8 digits is not the hotline", "40012345678", [["waybill", "40012345678", 0, 11, undefined]]],
  ["a 10-digit waybill", "2345678901", [["waybill", "2345678901", 0, 10, "YTO"]]],
  [
    "a date-like 14-digit waybill in one piece stays a waybill",
    "20261130143055",
    [["waybill", "20261130143055", 0, 14, "ZTO"]],
  ],
  ["两万元", "两万元", [["amount", "20000", 0, 3, undefined]]],
  [
    "waybill, phone and amount in one message, in order",
    "运单 YT1234567890123，电话13812345678，赔200元",
    [
      ["waybill", "YT1234567890123", 3, 18, "YTO"],
      ["phone", "13812345678", 21, 32, undefined],
      ["amount", "200", 34, 38, undefined],
    ],
  ],
  // Phone numbers in the spellings customers use: dashes, +86 with dashes, full-width digits.
  ["a mobile number in dashed groups", "138-1234-5678", [["phone", "13812345678", 0, 13, undefined]]],
  ["+86 and dashes", "+86-138-1234-5678", [["phone", "13812345678", 0, 17, undefined]]],
  ["a full-width mobile number in groups", "１３８ １２３４ ５６７８", [["phone", "13812345678", 0, 13, undefined]]],
  ["a full-width ticket number", "２０２６１１－０００１２", [["ticket_number", "202611-00012", 0, 12, undefined]]],
  ["a full-width ￥ amount", "￥２５", [["amount", "25", 0, 3, undefined]]],
  [
    "a waybill and a phone side by side stay two entities",
    "YT1234567890123 13812345678",
    [
      ["waybill", "YT1234567890123", 0, 15, "YTO"],
      ["phone", "13812345678", 16, 27, undefined],
    ],
  ],
  ["an 18-digit ID card number is not a waybill", "110101199003071234", []],
  // A word after a JD waybill is not part of it, though JD's letters-and-digits shape would take it.
  ["a word after a JD waybill stays out", "单号JD01234567890 thx", [["waybill", "JD01234567890", 2, 15, "JD"]]],
  // Only yuan/rmb/kuai must stand apart from a following Latin word; 块 and 元 are units even
  // when "ok" follows without a space.
  ["块 followed by ok", "给你30块ok吗", [["amount", "30", 2, 5, undefined]]],
  // 零 inside a Chinese amount: 一千零五十 is 1050, not 50.
  ["一千零五十元", "一千零五十元", [["amount", "1050", 0, 6, undefined]]],
  ["一百零五块", "赔一百零五块", [["amount", "105", 1, 6, undefined]]],
  ["零元 is no amount", "零元", []],
  // The spoken short forms: a last digit right after 百/千/万 is in the next lower place.
  ["一万五 is 15000", "一万五块", [["amount", "15000", 0, 4, undefined]]],
  ["一千五 is 1500", "赔一千五元", [["amount", "1500", 1, 5, undefined]]],
  ["两百五 is 250", "两百五块钱", [["amount", "250", 0, 5, undefined]]],
  ["一万零五 is 10005", "一万零五元", [["amount", "10005", 0, 5, undefined]]],
  ["三百五十 is 350", "三百五十元", [["amount", "350", 0, 5, undefined]]],
  ["十五 is 15", "十五块", [["amount", "15", 0, 3, undefined]]],
];

describe("extractEntities", () => {
  it.each(cases)("%s", (_name, text, expected) => {
    expect(rows(text)).toEqual(expected);
  });
  it("nothing from empty or non-string input", () => {
    expect(extractEntities("")).toEqual([]);
    expect(extractEntities(undefined as unknown as string)).toEqual([]);
  });
  it("a waybill of an unknown carrier carries no carrier fields", () => {
    expect(extractEntities("ZZ12345678")).toEqual([{ type: "waybill", value: "ZZ12345678", start: 0, end: 10 }]);
  });
});
