import type { Db } from "../../src/db/client.js";
import { locate, type Place } from "../../src/places/divisions.js";
import { STAGES } from "../../src/places/stage.js";

/** 30 prefecture-level cities (GB/T 2260 codes via china-area-data) for the by-place report tests. */
export const CITIES: Place[] = [
  "北京市",
  "上海市",
  "广州市",
  "深圳市",
  "杭州市",
  "南京市",
  "苏州市",
  "成都市",
  "武汉市",
  "西安市",
  "重庆市",
  "天津市",
  "长沙市",
  "郑州市",
  "济南市",
  "青岛市",
  "合肥市",
  "福州市",
  "厦门市",
  "昆明市",
  "南昌市",
  "沈阳市",
  "大连市",
  "哈尔滨市",
  "长春市",
  "石家庄市",
  "太原市",
  "南宁市",
  "贵阳市",
  "金华市",
].map((name) => {
  const p = locate(name);
  if (!p?.cityCode) throw new Error(`no place for ${name}`);
  return p;
});

/**
 * The early-warning fixture (issue 23): for each of the 30 cities a baseline of 28 complaints over
 * the 7 days before the 6-hour window that ends at `end` (one every 6 hours, stages in turn) and
 * one inside the window, as usual; then 12 more in 金华 inside the window, stuck at the transfer
 * centre (stage transit). One customer with `phone` owns them.
 */
export async function seedCitySpike(db: Db, end: Date, phone: string): Promise<void> {
  const HOUR = 3_600_000;
  const customer = await db.customer.create({ data: { phone } });
  let seq = 0;
  const row = (createdAt: Date, city: Place, stage: string) => ({
    number: `202610-${String(++seq).padStart(5, "0")}`,
    category: "DELAY",
    groupCode: "logistics",
    customerId: customer.id,
    channel: "webchat",
    description: "快递延误",
    provinceCode: city.provinceCode,
    cityCode: city.cityCode,
    stage,
    createdAt,
  });
  const rows = [];
  const windowStart = end.getTime() - 6 * HOUR;
  for (const [c, city] of CITIES.entries()) {
    for (let i = 0; i < 28; i++)
      rows.push(row(new Date(windowStart - (i + 1) * 6 * HOUR + c * 60_000), city, STAGES[(c + i) % 4]!));
    rows.push(row(new Date(windowStart + HOUR + c * 60_000), city, STAGES[c % 4]!));
  }
  for (let i = 0; i < 12; i++) rows.push(row(new Date(windowStart + 2 * HOUR + i * 60_000), CITIES[29]!, "transit"));
  await db.ticket.createMany({ data: rows });
}
