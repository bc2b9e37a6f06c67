// Service requests on the dashboard (issue 15): per type — how many, done, rejected, cancelled,
// still open, the share done within the promise, average hours — and the claims' money and steps.
import { h, locale } from "/static/shared/staff.js";

const TEXTS = {
  "zh-CN": {
    title: "服务请求",
    claims: "理赔",
    type: {
      urge: "催件",
      address_change: "改地址",
      pickup: "预约取件",
      delivery_preference: "派送偏好",
      claim: "理赔",
    },
    cols: ["类型", "总数", "已完成", "已拒绝", "客户取消", "处理中", "承诺内完成", "平均响应(时)", "平均完成(时)"],
    claimLine: "申报 {claimed} 元 · 方案 {proposedCount} 件 {proposed} 元 · 已赔付 {paidCount} 件 {paid} 元",
    steps: "平均用时：提出方案 {p} 小时 · 客户同意 {a} 小时 · 支付 {pay} 小时",
    none: "暂无数据",
  },
  en: {
    title: "Service requests",
    claims: "Claims",
    type: {
      urge: "Hurry",
      address_change: "Address change",
      pickup: "Pickup",
      delivery_preference: "Delivery preference",
      claim: "Claim",
    },
    cols: [
      "Type",
      "Total",
      "Done",
      "Rejected",
      "Cancelled",
      "Open",
      "Done in promise",
      "Avg response (h)",
      "Avg done (h)",
    ],
    claimLine:
      "Claimed {claimed} yuan · proposed {proposedCount} for {proposed} yuan · paid {paidCount} for {paid} yuan",
    steps: "Average hours: to proposal {p} · to agreement {a} · to payment {pay}",
    none: "No data",
  },
};
const R = TEXTS[locale] ?? TEXTS["zh-CN"];

const fill = (s, v) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? "—"));
const pct = (x) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);
const num = (x) => (x === null || x === undefined ? "—" : Number(x).toFixed(1));

/** Renders /api/reports/requests for the dashboard's period into #requests. */
export async function renderRequests(api, query) {
  const box = document.getElementById("requests");
  if (!box) return;
  const r = await api(`/api/reports/requests?${query}`);
  const head = h("tr", {}, ...R.cols.map((c) => h("th", {}, c)));
  const rows = r.byType.map((t) =>
    h(
      "tr",
      { "data-type": t.type },
      h("td", {}, R.type[t.type] ?? t.type),
      ...[t.total, t.done, t.rejected, t.cancelled, t.open].map((v) => h("td", { class: "num" }, v)),
      h("td", { class: "num" }, pct(t.withinPromiseShare)),
      h("td", { class: "num" }, num(t.avgHoursToFirstResponse)),
      h("td", { class: "num" }, num(t.avgHoursToResolution)),
    ),
  );
  const c = r.claims;
  box.replaceChildren(
    h("h2", {}, R.title),
    h(
      "table",
      { id: "requests-table" },
      h("thead", {}, head),
      h("tbody", {}, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "9" }, R.none))])),
    ),
    h(
      "p",
      { class: "note", id: "claims-line" },
      `${R.claims}：`,
      fill(R.claimLine, { ...c, claimed: c.claimedTotal, proposed: c.proposedTotal, paid: c.paidTotal }),
    ),
    h(
      "p",
      { class: "note" },
      fill(R.steps, { p: num(c.avgHoursToProposal), a: num(c.avgHoursToAgreement), pay: num(c.avgHoursToPayment) }),
    ),
  );
}
