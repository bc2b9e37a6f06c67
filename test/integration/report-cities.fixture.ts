import { locate, type Place } from "../../src/places/divisions.js";

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
