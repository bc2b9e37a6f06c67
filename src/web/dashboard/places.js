// Where complaints come from (issue 23): complaints per stage of the parcel's journey and per city
// (GB/T 2260, from GET /api/reports/summary complaints.byRegion / byStage), most first, with each
// one's share of the period's complaints; the province is shown with its city.
import { h, locale } from "/static/shared/staff.js";

const TEXTS = {
  "zh-CN": {
    title: "投诉地区与环节",
    stages: { pickup: "揽收", transit: "分拣转运", delivery: "派送", after_delivery: "签收后", unknown: "未知" },
    cols: ["省份", "城市", "投诉", "占比"],
    unknown: "地区未知",
    provinces: "省份",
    none: "暂无数据",
  },
  en: {
    title: "Complaints by region and stage",
    stages: {
      pickup: "Pickup",
      transit: "Sorting & transit",
      delivery: "Delivery",
      after_delivery: "After delivery",
      unknown: "Unknown",
    },
    cols: ["Province", "City", "Complaints", "Share"],
    unknown: "Region unknown",
    provinces: "Provinces",
    none: "No data",
  },
};
const P = TEXTS[locale] ?? TEXTS["zh-CN"];
const share = (n, total) => (total > 0 ? `${((n / total) * 100).toFixed(1)}%` : "—");

/** Fills `el` with the stage bar and the city table (top 20) of a summary. */
export function renderPlaces(el, complaints) {
  const total = complaints.total;
  const { byRegion, byStage } = complaints;
  if (!byRegion || !byStage) return;
  const stages = h(
    "ul",
    { class: "stages", id: "stages" },
    Object.entries(P.stages).map(([k, label]) =>
      h("li", { "data-stage": k }, h("strong", {}, label), " ", h("span", { class: "num" }, String(byStage[k] ?? 0))),
    ),
  );
  const rows = byRegion.cities
    .slice(0, 20)
    .map((c) =>
      h(
        "tr",
        { "data-city": c.cityCode },
        h("td", {}, c.province === c.city ? "—" : c.province),
        h("td", {}, c.city),
        h("td", { class: "num" }, String(c.total)),
        h("td", { class: "num" }, share(c.total, total)),
      ),
    );
  if (byRegion.unknown)
    rows.push(
      h(
        "tr",
        { "data-city": "unknown" },
        h("td", { colspan: "2" }, P.unknown),
        h("td", { class: "num" }, String(byRegion.unknown)),
        h("td", { class: "num" }, share(byRegion.unknown, total)),
      ),
    );
  const table = h(
    "table",
    { id: "places-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        P.cols.map((c) => h("th", {}, c)),
      ),
    ),
    h("tbody", {}, rows.length ? rows : [h("tr", {}, h("td", { colspan: "4" }, P.none))]),
  );
  const provinces = h(
    "p",
    { class: "note", id: "places-provinces" },
    `${P.provinces}: `,
    byRegion.provinces
      .slice(0, 10)
      .map((p) => `${p.province} ${p.total}`)
      .join(" · ") || "—",
  );
  el.replaceChildren(h("h2", {}, P.title), stages, provinces, table);
}
