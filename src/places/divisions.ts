/**
 * China's administrative divisions (GB/T 2260) and where a piece of free text points to (issue 23):
 * tracking locations ("杭州转运中心", "【义乌市营业部】", "浙江省杭州市西湖区"), addresses. The
 * division table is the `china-area-data` package (already used for addresses in
 * src/tickets/request-rules.ts), not a hand-typed list.
 *
 * A text maps to a city, to a province only, or to nothing: misspelt names, a bare "中转分拨中心"
 * or a district name shared by two cities ("朝阳区") give nothing rather than a wrong province.
 */
import { createRequire } from "node:module";

/** Where a problem lies: a province and, when known, its city (a 直辖市 is its own city). */
export interface Place {
  provinceCode: string;
  province: string;
  cityCode: string | null;
  city: string | null;
}

interface Division {
  code: string;
  name: string;
  short: string;
  province: string;
}

// Loaded as data, not typed by the compiler (3,000 divisions).
const AREAS = createRequire(import.meta.url)("china-area-data/data.json") as Record<string, Record<string, string>>;

/** 直辖市: the province is its own city (GB/T 2260 gives them only a 市辖区 below). */
export const MUNICIPALITIES: ReadonlySet<string> = new Set(["110000", "120000", "310000", "500000"]);
/** Placeholder rows of the table, not places. */
const PLACEHOLDER = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;
/** Rows that group county-level cities governed by the province directly (仙桃, 石河子…). */
const DIRECT_COUNTIES = /^(省直辖县级行政区划|自治区直辖县级行政区划)$/;

export function shortName(name: string): string {
  return (
    name.replace(
      /(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|地区|盟|自治州|林区|土家族苗族自治州|藏族自治州)$/,
      "",
    ) || name
  );
}

const PROVINCES: Division[] = Object.entries(AREAS["86"] ?? {}).map(([code, name]) => ({
  code,
  name,
  short: shortName(name),
  province: code,
}));

/** 地级 cities, plus the county-level cities a province governs directly (they have no 地级 city above). */
const CITIES: Division[] = PROVINCES.flatMap((p) =>
  Object.entries(AREAS[p.code] ?? {}).flatMap(([code, name]) =>
    DIRECT_COUNTIES.test(name)
      ? Object.entries(AREAS[code] ?? {}).map(([c, n]) => ({ code: c, name: n, short: shortName(n), province: p.code }))
      : PLACEHOLDER.test(name)
        ? []
        : [{ code, name, short: shortName(name), province: p.code }],
  ),
);

/** 县级 divisions with the city (or municipality) they belong to. */
const COUNTIES: (Division & { city: string })[] = PROVINCES.flatMap((p) =>
  Object.entries(AREAS[p.code] ?? {})
    .filter(([, name]) => !DIRECT_COUNTIES.test(name))
    .flatMap(([cityCode]) =>
      Object.entries(AREAS[cityCode] ?? {})
        .filter(([, name]) => !PLACEHOLDER.test(name))
        .map(([code, name]) => ({
          code,
          name,
          short: shortName(name),
          province: p.code,
          city: MUNICIPALITIES.has(p.code) ? p.code : cityCode,
        })),
    ),
);

const BY_CODE = new Map<string, Division>([...PROVINCES, ...CITIES].map((d) => [d.code, d]));

/** The place of a province or city code, names from the table (null for an unknown code). */
/** Hong Kong, Macao, Taiwan: sending there is a question of its own (an article), not just a destination. */
const SARS_AND_TAIWAN = new Set(["710000", "810000", "820000"]);

/**
 * The mainland's provinces and 地级 cities by short name ("北京", "武汉", "内蒙古"): the places a
 * question may name as origin or destination.
 */
export function mainlandPlaceNames(): string[] {
  return [...PROVINCES, ...CITIES]
    .filter((d) => !SARS_AND_TAIWAN.has(d.province) && d.short.length >= 2)
    .map((d) => d.short);
}

export function placeOf(provinceCode: string | null, cityCode: string | null): Place | null {
  const p = provinceCode ? BY_CODE.get(provinceCode) : undefined;
  if (!p || p.code !== p.province) return null;
  if (MUNICIPALITIES.has(p.code)) return { provinceCode: p.code, province: p.name, cityCode: p.code, city: p.name };
  const c = cityCode ? BY_CODE.get(cityCode) : undefined;
  return c && c.province === p.code && c.code !== p.code
    ? { provinceCode: p.code, province: p.name, cityCode: c.code, city: c.name }
    : { provinceCode: p.code, province: p.name, cityCode: null, city: null };
}

/** Every 地级 city (and county-level city a province governs directly) and municipality, as places. */
export function allCities(): Place[] {
  const municipalities = PROVINCES.filter((p) => MUNICIPALITIES.has(p.code)).map((p) => placeOf(p.code, p.code));
  const cities = CITIES.filter((c) => !MUNICIPALITIES.has(c.province)).map((c) => placeOf(c.province, c.code));
  return [...municipalities, ...cities].filter((p): p is Place => p?.cityCode != null);
}

/** A short name followed by one of these is a district, street or town of that name, not the city. */
const NOT_CITY_AFTER = /^[区县旗路街道镇乡村]/;

/** Earliest occurrence of any of the names (full names first), or -1. */
function firstIndex(text: string, d: Division, allowShort: boolean): number {
  const full = text.indexOf(d.name);
  if (full >= 0) return full;
  if (!allowShort || d.short.length < 2 || d.short === d.name) return -1;
  let from = 0;
  for (;;) {
    const i = text.indexOf(d.short, from);
    if (i < 0) return -1;
    if (!NOT_CITY_AFTER.test(text.slice(i + d.short.length))) return i;
    from = i + 1;
  }
}

/** The division named earliest in the text; ties (one name inside another) go to the longer name. */
function earliest<T extends Division>(text: string, list: readonly T[], allowShort: boolean): T[] {
  let best = Number.POSITIVE_INFINITY;
  let found: T[] = [];
  for (const d of list) {
    const i = firstIndex(text, d, allowShort);
    if (i < 0) continue;
    if (i < best) {
      best = i;
      found = [d];
    } else if (i === best) found.push(d);
  }
  const longest = Math.max(0, ...found.map((d) => d.name.length));
  return found.filter((d) => d.name.length === longest || found.length === 1);
}

/**
 * Where a free text points to: a province (full name anywhere, short name at the start or after
 * 【), a city (full or short name; a short name must not be a district's or a street's, "朝阳区"),
 * else a county-level name that belongs to exactly one city ("义乌市" → 金华市). Null when nothing,
 * or nothing unambiguous, is named.
 */
export function locate(input: string | null | undefined): Place | null {
  const text = (input ?? "").replace(/\s+/g, "");
  if (!text) return null;
  const province =
    earliest(text, PROVINCES, false)[0] ??
    PROVINCES.find((p) => p.short.length >= 2 && new RegExp(`(^|【)${p.short}`).test(text));
  if (province && MUNICIPALITIES.has(province.code)) return placeOf(province.code, province.code);

  const cities = province ? CITIES.filter((c) => c.province === province.code) : CITIES;
  const city = earliest(text, cities, true);
  if (city.length === 1) return placeOf(city[0]!.province, city[0]!.code);

  const counties = province ? COUNTIES.filter((c) => c.province === province.code) : COUNTIES;
  const county = earliest(text, counties, false);
  const shortCounty = county.length
    ? county
    : earliest(
        text,
        counties.filter((c) => c.name.endsWith("市")),
        true,
      );
  const owners = new Set(shortCounty.map((c) => c.city));
  if (owners.size === 1) {
    const c = shortCounty[0]!;
    return placeOf(c.province, c.city);
  }
  return province ? placeOf(province.code, null) : null;
}

/** The place named in a tracking event: its location field, else the first 【…】 that names one. */
export function locateEvent(e: { location: string | null; description: string }): Place | null {
  const fromLocation = locate(e.location);
  if (fromLocation) return fromLocation;
  for (const m of e.description.matchAll(/【([^】]+)】/g)) {
    const p = locate(m[1]);
    if (p) return p;
  }
  return null;
}

/**
 * What an agent types to correct a ticket's place: a GB/T 2260 province or city code ("330100"),
 * or words ("杭州", "浙江省金华市"). Null when it names no place, or nothing unambiguous.
 */
export function placeFromInput(input: string): Place | null {
  const text = input.trim();
  if (/^\d{6}$/.test(text)) {
    const province = `${text.slice(0, 2)}0000`;
    const place = placeOf(province, text === province ? null : text);
    if (!place) return null;
    // A code that is not a city of its province (a district, a typo) is refused, not widened.
    return text === province || place.cityCode === text || MUNICIPALITIES.has(province) ? place : null;
  }
  return locate(text);
}
