import JaroWinklerDistance from "natural/lib/natural/distance/jaro-winkler_distance.js";
import type { CarrierCode, CategoryCode } from "./nlu.js";

export const CARRIER_NAMES: Record<CarrierCode, { zh: string; en: string }> = {
  SF: { zh: "顺丰速运", en: "SF Express" },
  ZTO: { zh: "中通快递", en: "ZTO Express" },
  YTO: { zh: "圆通速递", en: "YTO Express" },
  STO: { zh: "申通快递", en: "STO Express" },
  YUNDA: { zh: "韵达快递", en: "Yunda Express" },
  JD: { zh: "京东物流", en: "JD Logistics" },
  JT: { zh: "极兔速递", en: "J&T Express" },
  DEPPON: { zh: "德邦快递", en: "Deppon Express" },
  EMS: { zh: "EMS/中国邮政", en: "EMS / China Post" },
};

// zh labels as in domain.md (the State Post Bureau's complaint vocabulary).
export const CATEGORY_LABELS: Record<CategoryCode, { zh: string; en: string }> = {
  DELAY: { zh: "延误", en: "Delay" },
  LOSS: { zh: "丢失短少", en: "Loss or missing items" },
  DAMAGE: { zh: "损毁", en: "Damage" },
  STAFF_ATTITUDE: { zh: "服务态度", en: "Staff attitude" },
  IMPROPER_CHARGE: { zh: "违规收费", en: "Improper charge" },
  DELIVERY_SERVICE: { zh: "投递服务", en: "Delivery service" },
  PICKUP_SERVICE: { zh: "收寄服务", en: "Pickup service" },
  TRACKING_INFO: { zh: "信息不准确", en: "Inaccurate tracking information" },
  COD: { zh: "代收货款", en: "Cash on delivery" },
  AFTER_SALES: { zh: "售后服务", en: "After-sales service" },
  OTHER: { zh: "其他", en: "Other" },
};

const CARRIER_ALIASES: [string, CarrierCode][] = [
  ["顺丰", "SF"],
  ["shunfeng", "SF"],
  ["sf express", "SF"],
  ["sf", "SF"],
  ["中通", "ZTO"],
  ["zhongtong", "ZTO"],
  ["zto", "ZTO"],
  ["圆通", "YTO"],
  ["yuantong", "YTO"],
  ["yto", "YTO"],
  ["申通", "STO"],
  ["shentong", "STO"],
  ["sto", "STO"],
  ["韵达", "YUNDA"],
  ["yunda", "YUNDA"],
  ["京东", "JD"],
  ["jingdong", "JD"],
  ["jd", "JD"],
  ["极兔", "JT"],
  ["jitu", "JT"],
  ["j&t", "JT"],
  ["jt express", "JT"],
  ["德邦", "DEPPON"],
  ["debang", "DEPPON"],
  ["deppon", "DEPPON"],
  ["邮政", "EMS"],
  ["ems", "EMS"],
  ["youzheng", "EMS"],
  ["china post", "EMS"],
];

/**
 * Carrier named in free text ("用的圆通", "shunfen"), exact alias first, then
 * Jaro–Winkler (natural) on Latin words to forgive typos in pinyin/English names.
 */
export function findCarrierMention(normalisedText: string): CarrierCode | undefined {
  for (const [alias, code] of CARRIER_ALIASES) {
    if (/^[a-z& ]+$/.test(alias)) {
      if (new RegExp(`(^|[^a-z])${alias.replace("&", "\\&")}([^a-z]|$)`).test(normalisedText)) return code;
    } else if (normalisedText.includes(alias)) return code;
  }
  for (const word of normalisedText.match(/[a-z]{5,}/g) ?? []) {
    for (const [alias, code] of CARRIER_ALIASES) {
      if (alias.length >= 5 && /^[a-z]+$/.test(alias) && JaroWinklerDistance(word, alias) >= 0.92) return code;
    }
  }
  return undefined;
}
