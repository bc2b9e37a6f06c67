/**
 * Rules of the service requests (issue 15), pure: what the dialogs check before anything is
 * stored. The flows (src/conversation/flows/request.flow.ts) ask; these answer.
 */
import { createRequire } from "node:module";
import { pinyin } from "pinyin-pro";
import { localDateOf, zonedTime } from "../sla/business-calendar.js";
import { EMPTY_HOLIDAYS, type HolidayTable, officialDay } from "../sla/holidays.js";
import type { ShipmentStatus } from "../tracking/tracking.types.js";

// ───────────────────────── tracking status gates ─────────────────────────

/** 催件 needs a parcel on its way: picked up and not yet delivered, returned or waiting in a locker. */
const URGEABLE: readonly ShipmentStatus[] = [
  "picked_up",
  "in_transit",
  "arrived_destination",
  "out_for_delivery",
  "exception",
];
export function canUrge(status: ShipmentStatus): boolean {
  return URGEABLE.includes(status);
}

/**
 * 改地址/改派 only while the parcel is not yet out for delivery or signed (issue 15;
 * domain.md "only before it is out for delivery"): once the courier has it on the last
 * leg, or it sits in a locker/驿站, or it was delivered or returned, a person must decide.
 */
const ADDRESS_CHANGEABLE: readonly ShipmentStatus[] = [
  "pending_pickup",
  "picked_up",
  "in_transit",
  "arrived_destination",
];
export function canChangeAddress(status: ShipmentStatus): boolean {
  return ADDRESS_CHANGEABLE.includes(status);
}

/** A delivery preference applies to a parcel that has not reached the customer yet. */
export function canSetPreference(status: ShipmentStatus): boolean {
  return status !== "delivered" && status !== "returned";
}

// ───────────────────────── addresses (GB/T 2260 via china-area-data) ─────────────────────────

interface Region {
  code: string;
  name: string;
  short: string;
}

// Loaded as data, not typed by the compiler (3,000 regions).
const AREAS = createRequire(import.meta.url)("china-area-data/data.json") as Record<string, Record<string, string>>;
/** 省级 names; 直辖市 (北京/天津/上海/重庆) are their own city. */
const PROVINCES: Region[] = Object.entries(AREAS["86"] ?? {}).map(([code, name]) => ({
  code,
  name,
  short: shortName(name),
}));
const MUNICIPALITIES = new Set(["110000", "120000", "310000", "500000"]);
const CITIES: (Region & { province: string })[] = PROVINCES.flatMap((p) =>
  Object.entries(AREAS[p.code] ?? {})
    .filter(([, name]) => !/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(name))
    .map(([code, name]) => ({ code, name, short: shortName(name), province: p.code })),
);

function shortName(name: string): string {
  return name.replace(/(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|地区|盟|自治州)$/, "") || name;
}

export interface ParsedAddress {
  /** As the customer wrote it (trimmed). */
  text: string;
  province: string;
  city: string;
  /** GB/T 2260 code of the city (or the municipality). */
  cityCode: string;
}

/**
 * Why an address was not taken: no province and city found, too little beyond them, or (in
 * English) a city name several provinces share, with those provinces' English names.
 */
export type AddressError =
  | { error: "no_city" | "too_short" }
  | { error: "ambiguous_city"; city: string; provinces: string[] };

/**
 * A delivery or pickup address must name its province and city (or a 直辖市), and say more
 * than that (a district, street or building): otherwise the courier cannot find it.
 */
export function parseAddress(input: string): ParsedAddress | AddressError {
  const text = input.trim().replace(/\s+/g, " ");
  const compact = text.replace(/\s/g, "");
  let province = PROVINCES.find((p) => compact.includes(p.name) || compact.startsWith(p.short));
  let city: (Region & { province: string }) | undefined;
  if (province && MUNICIPALITIES.has(province.code)) {
    city = { code: province.code, name: province.name, short: province.short, province: province.code };
  } else {
    const candidates = province ? CITIES.filter((c) => c.province === province?.code) : CITIES;
    // A city's short name ("深圳") counts only under its province: alone, "朝阳区" is not 朝阳市.
    city =
      candidates.find((c) => compact.includes(c.name)) ??
      (province ? candidates.find((c) => c.short.length >= 2 && compact.includes(c.short)) : undefined);
    if (city && !province) province = PROVINCES.find((p) => p.code === city?.province);
  }
  if ((!province || !city) && /^[\x20-\x7e]+$/.test(text)) return parseEnglishAddress(text);
  if (!province || !city) return { error: "no_city" };
  const rest = compact
    .replace(province.name, "")
    .replace(province.short, "")
    .replace(city.name, "")
    .replace(city.short, "");
  if ((rest.match(/[\u4e00-\u9fff0-9A-Za-z]/g) ?? []).length < 4) return { error: "too_short" };
  return { text, province: province.name, city: city.name, cityCode: city.code };
}

/** Provinces whose usual English name is not their plain pinyin (陕西 is spelt apart from 山西). */
const PROVINCE_EN: Record<string, string> = {
  shaanxi: "610000",
  "inner mongolia": "150000",
  tibet: "540000",
  xizang: "540000",
  neimenggu: "150000",
};

type City = Region & { province: string };
let placesEn: { provinces: Map<string, Region>; cities: Map<string, City[]> } | undefined;

const toPinyin = (name: string) => pinyin(name, { toneType: "none", type: "array" }).join("").toLowerCase();

/** A district's or county's name without its kind (椒江区 → 椒江), when two characters remain. */
function districtShort(name: string): string | undefined {
  const short = name.replace(/(自治县|自治旗|新区|区|县|市|旗)$/, "");
  return short.length >= 2 && !/市辖区|开发区|高新/.test(name) ? short : undefined;
}

/**
 * Of the cities that share a name in pinyin (台州 in Zhejiang, 泰州 in Jiangsu: both "Taizhou"),
 * the one whose district or county the address names ("Jiaojiang District"), if exactly one.
 */
function cityByDistrict(candidates: City[], phrases: readonly string[]): City | undefined {
  const said = new Set(phrases);
  const matching = candidates.filter((c) =>
    Object.values(AREAS[c.code] ?? {}).some((d) => {
      const short = districtShort(d);
      return short !== undefined && said.has(toPinyin(short));
    }),
  );
  return matching.length === 1 ? matching[0] : undefined;
}

/** A province's usual English name: its pinyin, capitalised (陕西 "Shaanxi", 内蒙古 "Inner Mongolia"). */
function provinceInEnglish(code: string): string {
  const en = Object.entries(PROVINCE_EN).find(([, c]) => c === code)?.[0];
  const name = en ?? toPinyin(PROVINCES.find((p) => p.code === code)?.short ?? "");
  return name.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

/** Provinces and cities by their pinyin ("zhengzhou", "henan"), built on the first English address. */
function placesInPinyin(): NonNullable<typeof placesEn> {
  if (placesEn) return placesEn;
  const py = toPinyin;
  const provinces = new Map<string, Region>();
  for (const p of PROVINCES) if (!provinces.has(py(p.short))) provinces.set(py(p.short), p);
  provinces.set("shanxi", PROVINCES.find((p) => p.code === "140000") as Region); // 山西; 陕西 is "shaanxi"
  for (const [en, code] of Object.entries(PROVINCE_EN)) {
    const p = PROVINCES.find((x) => x.code === code);
    if (p) provinces.set(en, p);
  }
  const cities = new Map<string, City[]>();
  for (const c of CITIES) {
    if (c.short.length < 2) continue;
    const key = py(c.short);
    cities.set(key, [...(cities.get(key) ?? []), c]);
  }
  placesEn = { provinces, cities };
  return placesEn;
}

/**
 * An address written in English ("No. 5 Renmin Road, Jinshui District, Zhengzhou, Henan"): the
 * province and city are found by their pinyin; a city name that two provinces share (Taizhou,
 * Fuzhou) is told apart by its province or by a district only one of them has ("Jiaojiang
 * District, Taizhou" is 浙江台州), else `ambiguous_city` names the provinces to choose from.
 * Returns the Chinese names, as for an address written in Chinese.
 */
function parseEnglishAddress(text: string): ParsedAddress | AddressError {
  const { provinces, cities } = placesInPinyin();
  const lower = text.toLowerCase();
  const words = lower.split(/[^a-z]+/).filter(Boolean);
  // One word or two run together ("xi an", "hong kong"-style spellings).
  const phrases = [...words, ...words.slice(1).map((w, i) => `${words[i]}${w}`)];
  let province =
    Object.keys(PROVINCE_EN)
      .filter((en) => en.includes(" ") && lower.includes(en))
      .map((en) => provinces.get(en))[0] ?? phrases.map((w) => provinces.get(w)).find(Boolean);
  let city: (Region & { province: string }) | undefined;
  if (province && MUNICIPALITIES.has(province.code)) {
    city = { code: province.code, name: province.name, short: province.short, province: province.code };
  } else {
    const found = phrases.flatMap((w) => cities.get(w) ?? []);
    const inProvince = province ? found.filter((c) => c.province === province?.code) : found;
    const distinct = [...new Map(inProvince.map((c) => [c.code, c])).values()];
    city = distinct.length === 1 ? distinct[0] : cityByDistrict(distinct, phrases);
    if (!city && distinct.length > 1)
      return {
        error: "ambiguous_city",
        city: phrases.find((w) => cities.get(w)?.includes(distinct[0] as City)) ?? "",
        provinces: [...new Set(distinct.map((c) => c.province))].map(provinceInEnglish),
      };
    if (city && !province) province = PROVINCES.find((p) => p.code === city?.province);
  }
  if (!province || !city) return { error: "no_city" };
  const named = new Set([province.short, city.short].map(toPinyin));
  const rest = words.filter((w) => !named.has(w) && !/^(province|city|china|prc)$/.test(w)).join("");
  if ((rest.match(/[a-z0-9]/g) ?? []).length < 4) return { error: "too_short" };
  return { text, province: province.name, city: city.name, cityCode: city.code };
}

/** For lists and logs: province and city stay, the street and house number do not. */
export function maskAddress(address: string): string {
  const parsed = parseAddress(address);
  if ("error" in parsed) return address.length <= 4 ? "****" : `${address.slice(0, 4)}****`;
  const head = parsed.province === parsed.city ? parsed.city : `${parsed.province}${parsed.city}`;
  return `${head}****`;
}

// ───────────────────────── pickup slots ─────────────────────────

export const SLOT_DAYS = ["today", "tomorrow"] as const;
export const SLOT_PARTS = ["morning", "afternoon"] as const;
export interface Slot {
  day: (typeof SLOT_DAYS)[number];
  part: (typeof SLOT_PARTS)[number];
}

/** Pickup service hours (Asia/Shanghai): 上午 09:00–12:00, 下午 13:00–18:00. */
const PART_HOURS = { morning: [9, 12], afternoon: [13, 18] } as const;
/** A slot can be booked until this long before it ends (the courier needs time to come). */
const BOOK_BEFORE_END_MS = 60 * 60_000;
const TZ = "Asia/Shanghai";

export function parseSlot(text: string): Partial<Slot> {
  const t = text.toLowerCase();
  const out: Partial<Slot> = {};
  if (/今天|今日|today/.test(t)) out.day = "today";
  else if (/明天|明日|tomorrow/.test(t)) out.day = "tomorrow";
  if (/上午|早上|早晨|上班前|morning|\bam\b/.test(t)) out.part = "morning";
  else if (/下午|afternoon|\bpm\b/.test(t)) out.part = "afternoon";
  return out;
}

export interface SlotWindow {
  date: string;
  start: Date;
  end: Date;
}

/**
 * The window of a slot as of `now`, or why it cannot be booked: in the past (or too late to
 * come), or a closed day — China's public holidays (the admin-loaded schedule of the year, else
 * chinese-days: holidays.ts) and the operator's extra closed days. Pickups run at weekends;
 * 调休 does not matter to them.
 */
export function slotWindow(
  slot: Slot,
  now: Date,
  closedDays: readonly string[] = [],
  holidays: HolidayTable = EMPTY_HOLIDAYS,
): SlotWindow | { error: "past" | "closed" } {
  const today = localDateOf(now, TZ);
  const base = new Date(Date.UTC(today.y, today.m - 1, today.d + (slot.day === "tomorrow" ? 1 : 0)));
  const day = { y: base.getUTCFullYear(), m: base.getUTCMonth() + 1, d: base.getUTCDate() };
  const iso = `${day.y}-${String(day.m).padStart(2, "0")}-${String(day.d).padStart(2, "0")}`;
  const [from, to] = PART_HOURS[slot.part];
  const start = zonedTime(day, from * 60, TZ);
  const end = zonedTime(day, to * 60, TZ);
  if (end.getTime() - BOOK_BEFORE_END_MS <= now.getTime()) return { error: "past" };
  if (closedDays.includes(iso) || officialDay(holidays, iso).kind === "holiday") return { error: "closed" };
  return { date: iso, start, end };
}

// ───────────────────────── items, weight, amounts ─────────────────────────

/**
 * Items that may not be sent (禁止寄递物品管理规定, 2016; 快递暂行条例 Art. 24), by the words
 * customers use. The knowledge base (issue on 咨询) explains the rules; this refuses the booking.
 */
const PROHIBITED: { words: RegExp; zh: string; en: string }[] = [
  {
    words: /枪|弹药|子弹|管制刀|刀具|弩|gun|ammunition|weapon/i,
    zh: "枪支弹药、管制器具",
    en: "weapons and ammunition",
  },
  {
    words: /炸药|烟花|爆竹|鞭炮|雷管|firework|explosive/i,
    zh: "爆炸物品、烟花爆竹",
    en: "explosives and fireworks",
  },
  {
    words: /汽油|柴油|酒精|打火机|火柴|煤气|液化气|油漆|gasoline|petrol|lighter|flammable/i,
    zh: "易燃易爆物品",
    en: "flammable goods",
  },
  { words: /毒品|大麻|冰毒|drugs?\b|cannabis/i, zh: "毒品", en: "narcotics" },
  {
    words: /农药|硫酸|盐酸|剧毒|腐蚀|poison|acid|pesticide/i,
    zh: "毒害性、腐蚀性物品",
    en: "toxic or corrosive goods",
  },
  { words: /活体动物|活的(猫|狗|鸡|鸭|鱼)|宠物|live animal|pet\b/i, zh: "活体动物", en: "live animals" },
  { words: /现金|人民币|钞票|cash|banknote/i, zh: "现金", en: "cash" },
];

export function prohibitedItem(item: string): { zh: string; en: string } | undefined {
  const hit = PROHIBITED.find((p) => p.words.test(item));
  return hit ? { zh: hit.zh, en: hit.en } : undefined;
}

/**
 * Operators extend the statutory list in the knowledge base (issue 15): an enabled article
 * with a tag `禁寄:<item>` (or `禁寄：<item>`) refuses a pickup of anything whose name contains
 * that item, and the refusal cites the article. The statutory list still applies without them.
 */
const KB_PROHIBITED_TAG = /^禁寄[:：]\s*(\S.*)$/;

export function prohibitedByArticle<A extends { tags: readonly string[] }>(
  item: string,
  articles: Iterable<A>,
): A | undefined {
  const name = item.toLowerCase();
  for (const a of articles)
    for (const tag of a.tags) {
      const word = KB_PROHIBITED_TAG.exec(tag.trim())?.[1]?.trim().toLowerCase();
      if (word && name.includes(word)) return a;
    }
  return undefined;
}

/** A rough weight in kg: "3公斤", "2kg", "五斤" (half a kg each). */
export function parseWeight(text: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(公斤|千克|kg|斤|克|g)?/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "公斤").toLowerCase();
  const kg = unit === "斤" ? n / 2 : unit === "克" || unit === "g" ? n / 1000 : n;
  return Number.isFinite(kg) ? Math.round(kg * 100) / 100 : undefined;
}

/** Heavier than this is freight (快运), not a courier pickup. */
export const MAX_PICKUP_KG = 50;

/** A claim's declared value in yuan: positive and at most the configured maximum. */
export function checkClaimAmount(amount: number, max: number): "ok" | "not_positive" | "too_large" {
  if (!Number.isFinite(amount) || amount <= 0) return "not_positive";
  if (amount > max) return "too_large";
  return "ok";
}

// ───────────────────────── answers ─────────────────────────

export const PREFERENCES = ["home", "station", "locker", "reschedule"] as const;
export type Preference = (typeof PREFERENCES)[number];

/** A parcel asked to come another day: "改到后天送", "明天不在家…周六再送", "deliver it on Saturday". */
const RESCHEDULE_RE =
  /(明天|后天|改天|下周|周末|周[一二三四五六日]|星期[一二三四五六日天]|晚点|晚些|过两天)再(送|派)|(改|换|延)(到|成|在)?(明天|后天|下周|周末|周[一二三四五六日]|星期[一二三四五六日天]|晚点|晚些|过两天).{0,4}(送|派)|不在家.{0,12}(能不能|可以|可不可以|能否|麻烦|请).{0,8}(送|派)|\b(deliver|redeliver|bring)\b.{0,20}\b(tomorrow|later|another day|next week|on (mon|tues|wednes|thurs|fri|satur|sun)day)\b/;

export function parsePreference(text: string): Preference | undefined {
  const t = text.toLowerCase();
  const negated = (w: string) =>
    new RegExp(`(不要|别|不|don'?t|not|no)\\s*(放|leave|put|use)?\\s*(在|到|in|at)?\\s*${w}`).test(t);
  if (
    /改约|改时间|换个时间|改天|明天再送|再送|reschedule|another (day|time)|deliver (tomorrow|later|on)/.test(t) ||
    RESCHEDULE_RE.test(t)
  )
    return "reschedule";
  if (/送货上门|送上门|上门|送到家|送家里|to my door|door|home/.test(t)) return "home";
  if (/快递柜|丰巢|柜子|柜|locker/.test(t) && !negated("(快递柜|丰巢|柜子|柜|the locker|locker)")) return "locker";
  if (/驿站|代收点|门卫|物业|前台|station|reception/.test(t) && !negated("(驿站|代收点|the station|station)"))
    return "station";
  if (negated("(驿站|快递柜|柜子|柜|the locker|locker|the station|station)")) return "home";
  return undefined;
}

/**
 * Asks for a parcel to be left somewhere ("能不能放驿站", "可以放快递柜吗", "放门口就行",
 * "can you leave it at the locker"), as opposed to a rule question about the place ("驿站保管
 *几天") or a grievance about it ("为什么不送上门放驿站"). About a known parcel it is a 派送偏好
 * request (domain.md, requests).
 */
export function asksPlacement(text: string): boolean {
  const t = text.toLowerCase();
  if (/为什么|为啥|凭什么|怎么又|擅自|私自|没经过|不经过|why|without (asking|my)/.test(t)) return false;
  return (
    // Or delivered another day: "我明天不在家，能改到后天送吗" (was unsure, then handed to a person).
    RESCHEDULE_RE.test(t) ||
    /(放|送到|送去|存|寄存|改放|改送|放在|放到)(在|到)?(驿站|菜鸟驿站|快递柜|丰巢|柜子|代收点|门卫|物业|前台|门口|家门口|楼下)/.test(
      t,
    ) ||
    /(能不能|能否|可不可以|可以|能).{0,2}(送货上门|送上门|送到家)/.test(t) ||
    /\b(leave|put|drop|deliver)\b.{0,12}\b(station|locker|door|doorstep|reception|front desk)\b/.test(t)
  );
}

export function parseYesNo(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (/^(不同意|不|否|没有|没|不是|no|nope|disagree)/.test(t)) return false;
  if (/^(同意|是|是的|有|对|好|可以|yes|y|ok|agree|i agree|sure)/.test(t)) return true;
  return undefined;
}

/** 丢失 or 破损 from the customer's words (a claim is for one of the two). */
export function parseClaimKind(text: string): "LOSS" | "DAMAGE" | undefined {
  if (/丢|没收到|不见|少了|短少|遗失|lost|missing/i.test(text)) return "LOSS";
  if (/坏|破|碎|损|压|漏|湿|烂|damag|broken|crush/i.test(text)) return "DAMAGE";
  return undefined;
}
