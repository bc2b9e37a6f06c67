// Supervisor dashboard: headline figures for a period, group or agent from /api/reports/summary,
// charts with ECharts (served from the installed package at /vendor/echarts.min.js), drill-down
// to the tickets behind a figure, CSV export. Every text goes through textContent.

import { renderFeedback } from "/static/dashboard/feedback.panel.js";
import {
  applyI18n,
  categoryLabel,
  createApi,
  h,
  locale,
  login,
  session,
  showCalendarBanner,
  toast,
} from "/static/shared/staff.js";
import { renderPlaces } from "./places.js";
import { renderRequests } from "./requests.js";

const I18N = {
  "zh-CN": {
    title: "数据看板",
    username: "用户名",
    password: "密码",
    login: "登录",
    logout: "退出",
    console: "客服工作台",
    // One text for a wrong password, an unknown user and a locked account (the API does not tell them apart).
    failed: "用户名或密码错误，或多次失败后账号已临时锁定",
    forbidden: "数据看板仅对主管和管理员开放。",
    last7: "近7天",
    last30: "近30天",
    last90: "近90天",
    custom: "自定义",
    allGroups: "全部小组",
    allAgents: "全部客服",
    apply: "查询",
    exportTickets: "导出工单",
    exportSurveys: "导出评价",
    exportRequests: "导出服务请求",
    trend: "投诉趋势",
    byCategory: "投诉类别",
    satisfaction: "满意度构成",
    slaCompliance: "SLA 达成率",
    agents: "客服绩效",
    comments: "客户原话",
    feedback: "投诉 · 建议 · 咨询",
    close: "关闭",
    noCharts: "图表组件（echarts）未安装，仅显示表格。",
    total: "合计",
    kpi: {
      satisfactionRate: "满意度",
      complaintHandlingSatisfaction: "投诉处理满意度",
      nps: "NPS 净推荐值",
      responseRate: "评价回复率",
      fcrRate: "一次解决率",
      complaints: "投诉量",
      ratePer10k: "万件投诉率",
      within24h: "24小时处理率",
      within48h: "48小时处理率",
      firstResponse: "平均首次响应",
      resolution: "平均处理时长",
      repeatRate: "重复投诉率",
      appeals: "12305 申诉",
    },
    sub: {
      target: "目标 {v}",
      redLine: "红线 {v}",
      answered: "已回复 {a} / 已发送 {s}",
      repeats: "{n} 件重复",
      appeals: "未结 {open} · 超时 {breached}",
      stars: "星级4–5分占比 {v}",
      nps: "{n} 人评分",
      shipments: "发货量 {n}",
      resolved: "已处理 {n}",
      minutes: "分钟",
      hours: "小时",
    },
    overall: { satisfied: "满意", basically_satisfied: "基本满意", dissatisfied: "不满意" },
    clock: { first_response: "首次响应", resolution: "解决时限", regulatory: "7日法定时限" },
    cols: {
      agent: "客服",
      assigned: "工单",
      resolved: "已解决",
      avgResolution: "平均处理(小时)",
      answered: "评价数",
      satisfaction: "满意度",
      nps: "NPS",
      number: "工单号",
      category: "类别",
      status: "状态",
      group: "小组",
      created: "创建时间",
      resolvedAt: "解决时间",
      survey: "评价",
    },
    drill: {
      all: "全部投诉",
      dissatisfied: "不满意的工单",
      over24h: "超过24小时未处理完的工单",
      breached: "SLA 超时工单",
      reopened: "重开过的工单",
      repeat: "重复投诉",
      resolved: "已解决工单",
    },
    count: "共 {n} 张工单",
    status: { new: "新建", open: "处理中", pending_customer: "待客户", resolved: "已解决", closed: "已关闭" },
    groups: { logistics: "物流配送", after_sales: "售后服务", product_quality: "产品质量", legal: "法务" },
    noData: "暂无数据",
    noChartData: "所选期间暂无数据",
    loadFailed: "加载失败：",
  },
  en: {
    title: "Dashboard",
    username: "Username",
    password: "Password",
    login: "Log in",
    logout: "Log out",
    console: "Agent console",
    failed: "Wrong username or password, or the account is locked for a while after repeated failures",
    forbidden: "The dashboard is for supervisors and admins.",
    last7: "Last 7 days",
    last30: "Last 30 days",
    last90: "Last 90 days",
    custom: "Custom",
    allGroups: "All groups",
    allAgents: "All agents",
    apply: "Apply",
    exportTickets: "Export tickets",
    exportSurveys: "Export surveys",
    exportRequests: "Export requests",
    trend: "Complaints over time",
    byCategory: "Complaints by category",
    satisfaction: "Satisfaction",
    slaCompliance: "SLA compliance",
    agents: "Agents",
    comments: "Customers' words",
    feedback: "Complaints · suggestions · questions",
    close: "Close",
    noCharts: "The chart library (echarts) is not installed; tables only.",
    total: "Total",
    kpi: {
      satisfactionRate: "Satisfaction",
      complaintHandlingSatisfaction: "Complaint handling satisfaction",
      nps: "NPS",
      responseRate: "Survey response rate",
      fcrRate: "First-contact resolution",
      complaints: "Complaints",
      ratePer10k: "Per 10,000 shipments",
      within24h: "Handled within 24 h",
      within48h: "Handled within 48 h",
      firstResponse: "Avg first response",
      resolution: "Avg resolution time",
      repeatRate: "Repeat complaints",
      appeals: "12305 appeals",
    },
    sub: {
      target: "target {v}",
      redLine: "red line {v}",
      answered: "{a} answered / {s} sent",
      repeats: "{n} repeats",
      appeals: "{open} open · {breached} overdue",
      stars: "4–5 stars {v}",
      nps: "{n} ratings",
      shipments: "{n} shipments",
      resolved: "{n} resolved",
      minutes: "min",
      hours: "h",
    },
    overall: { satisfied: "Satisfied", basically_satisfied: "Basically satisfied", dissatisfied: "Dissatisfied" },
    clock: { first_response: "First response", resolution: "Resolution", regulatory: "7-day legal limit" },
    cols: {
      agent: "Agent",
      assigned: "Tickets",
      resolved: "Resolved",
      avgResolution: "Avg hours",
      answered: "Surveys",
      satisfaction: "Satisfaction",
      nps: "NPS",
      number: "Ticket",
      category: "Category",
      status: "Status",
      group: "Group",
      created: "Created",
      resolvedAt: "Resolved",
      survey: "Survey",
    },
    drill: {
      all: "All complaints",
      dissatisfied: "Dissatisfied customers",
      over24h: "Not handled within 24 h",
      breached: "SLA breached",
      reopened: "Reopened",
      repeat: "Repeat complaints",
      resolved: "Resolved",
    },
    count: "{n} tickets",
    status: { new: "New", open: "Open", pending_customer: "Waiting", resolved: "Resolved", closed: "Closed" },
    groups: { logistics: "Logistics", after_sales: "After-sales", product_quality: "Product quality", legal: "Legal" },
    noData: "No data",
    noChartData: "No data in this period",
    loadFailed: "Could not load: ",
  },
};
const T = I18N[locale];
applyI18n(T);
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => String(vars[k] ?? m));
const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
const num = (v, digits = 0) => (v === null || v === undefined ? "—" : Number(v).toFixed(digits));
const $ = (id) => document.getElementById(id);
const charts = typeof window.echarts === "object";
const api = createApi(() => showLogin());
let last; // the summary on screen
const chartInstances = new Map();

// ───────── login ─────────
function showLogin() {
  $("app-view").hidden = true;
  $("login-view").hidden = false;
}
$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    await login(form.get("username"), form.get("password"));
    $("login-error").hidden = true;
    await start();
  } catch {
    $("login-error").textContent = T.failed;
    $("login-error").hidden = false;
  }
});
$("logout").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST" }).catch(() => {});
  session.token = null;
  location.reload();
});

// ───────── filters ─────────
const dayString = (d) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10); // China time
function setPreset(days) {
  const now = new Date();
  $("to").value = dayString(now);
  $("from").value = dayString(new Date(now.getTime() - (days - 1) * 86_400_000));
}
$("preset").addEventListener("change", () => {
  if ($("preset").value !== "custom") {
    setPreset(Number($("preset").value));
    load();
  }
});
for (const id of ["from", "to"]) $(id).addEventListener("input", () => ($("preset").value = "custom"));
$("filters").addEventListener("submit", (e) => {
  e.preventDefault();
  load();
});
for (const id of ["group", "agent"]) $(id).addEventListener("change", () => load());
for (const [code, name] of Object.entries(T.groups)) $("group").append(h("option", { value: code }, name));
$("lang").textContent = locale === "en" ? "中文" : "English";
$("lang").href = `?lang=${locale === "en" ? "zh-CN" : "en"}`;

function query(extra = {}) {
  const q = new URLSearchParams({ from: $("from").value, to: $("to").value });
  if ($("group").value) q.set("group", $("group").value);
  if ($("agent").value) q.set("agent", $("agent").value);
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  return q.toString();
}

// ───────── CSV export: fetched with the token, saved as a file ─────────
async function download(what) {
  const res = await fetch(`/api/reports/export/${what}.csv?${query()}`, {
    headers: { authorization: `Bearer ${session.token}` },
  });
  if (!res.ok) return toast(`${T.loadFailed}${res.status}`, "error");
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `${what}.csv`;
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
$("export-tickets").addEventListener("click", () => download("tickets"));
$("export-surveys").addEventListener("click", () => download("surveys"));
$("export-requests")?.addEventListener("click", () => download("requests"));

// ───────── rendering ─────────
async function load() {
  try {
    // Issue 23 (003 §9.2.2): this period beside the last.
    last = await api(`/api/reports/summary?${query({ compare: "previous" })}`);
  } catch (err) {
    if (err.status === 403) {
      showForbidden();
      return;
    }
    toast(`${T.loadFailed}${err.message}`, "error");
    return;
  }
  render(last);
  await renderRequests(api, query()).catch((err) => toast(`${T.loadFailed}${err.message}`, "error"));
}

function render(s) {
  document.body.dataset.loaded = "true";
  renderAlerts(s.alerts);
  renderKpis(s);
  renderAgentsSelect(s.agents);
  renderAgents(s.agents);
  renderComments(s.comments);
  renderFeedback($("feedback"), s.feedback);
  renderPlaces($("places"), s.complaints, s.previous, drill);
  if (charts) renderCharts(s);
  else $("no-charts").hidden = false;
}

function renderAlerts(alerts) {
  $("alerts").replaceChildren(
    ...alerts.map((a) =>
      h(
        "div",
        { class: `alert ${a.level}`, role: "alert", "data-code": a.code },
        locale === "en" ? (a.messageEn ?? a.message) : a.message,
      ),
    ),
  );
}

function kpi(key, value, sub, opts = {}) {
  return h(
    "div",
    {
      class: `kpi ${opts.tone ?? ""}`,
      "data-kpi": key,
      tabindex: "0",
      title: opts.drill ? T.drill[opts.drill] : "",
      onclick: () => opts.drill && drill(opts.drill, opts.extra),
    },
    h("div", { class: "label" }, T.kpi[key]),
    h("div", { class: "value" }, value),
    h("div", { class: "sub" }, sub),
  );
}

function tone(v, target, redLine) {
  if (v === null || v === undefined) return "";
  if (redLine !== undefined && v < redLine) return "red";
  return v >= target ? "ok" : "warn";
}

function renderKpis(s) {
  const { surveys: sv, complaints: c, handling: hd, targets, redLines } = s;
  $("kpis").replaceChildren(
    kpi(
      "satisfactionRate",
      pct(sv.satisfactionRate),
      `${fill(T.sub.target, { v: pct(targets.satisfaction) })} · ${fill(T.sub.redLine, { v: pct(redLines.satisfaction) })}`,
      {
        tone: tone(sv.satisfactionRate, targets.satisfaction, redLines.satisfaction),
        drill: "dissatisfied",
      },
    ),
    kpi(
      "complaintHandlingSatisfaction",
      pct(sv.complaintHandlingSatisfaction),
      fill(T.sub.target, { v: pct(targets.complaintHandlingSatisfaction) }),
      {
        tone: tone(sv.complaintHandlingSatisfaction, targets.complaintHandlingSatisfaction),
        drill: "dissatisfied",
      },
    ),
    kpi("nps", num(sv.nps, 1), fill(T.sub.nps, { n: sv.npsResponses })),
    kpi("responseRate", pct(sv.responseRate), fill(T.sub.answered, { a: sv.answered, s: sv.sent })),
    kpi("fcrRate", pct(sv.fcrRate), fill(T.sub.stars, { v: pct(sv.starsShare45) }), { drill: "reopened" }),
    kpi("complaints", String(c.total), fill(T.sub.resolved, { n: hd.resolved }), { drill: "all" }),
    kpi("ratePer10k", num(c.ratePer10k, 2), fill(T.sub.shipments, { n: c.shipments }), { drill: "all" }),
    kpi("within24h", pct(hd.within24hShare), fill(T.sub.target, { v: pct(targets.within24h) }), {
      tone: tone(hd.within24hShare, targets.within24h),
      drill: "over24h",
    }),
    kpi("within48h", pct(hd.within48hShare), fill(T.sub.target, { v: pct(targets.within48h) }), {
      tone: tone(hd.within48hShare, targets.within48h),
      drill: "over24h",
    }),
    kpi("firstResponse", num(hd.avgFirstResponseMinutes, 1), T.sub.minutes, {
      drill: "breached",
      extra: { clock: "first_response" },
    }),
    kpi("resolution", num(hd.avgResolutionHours, 1), T.sub.hours, { drill: "resolved" }),
    // Issue 23 (002): the same customer or waybill complaining again within the repeat window.
    kpi("repeatRate", pct(c.repeatRate), fill(T.sub.repeats, { n: c.repeats ?? 0 }), { drill: "repeat" }),
    // Issue 21: 申诉 the regulator transferred, apart from own complaints (the regulator ranks carriers by them).
    kpi(
      "appeals",
      String(s.appeals?.total ?? 0),
      fill(T.sub.appeals, { open: s.appeals?.open ?? 0, breached: s.appeals?.breached ?? 0 }),
      { tone: (s.appeals?.breached ?? 0) > 0 ? "red" : "" },
    ),
  );
}

function renderAgentsSelect(agents) {
  const select = $("agent");
  const chosen = select.value;
  const known = new Set([...select.options].map((o) => o.value));
  for (const a of agents) if (!known.has(a.username)) select.append(h("option", { value: a.username }, a.displayName));
  select.value = chosen;
}

function renderAgents(agents) {
  const c = T.cols;
  const head = h(
    "tr",
    {},
    ...[c.agent, c.assigned, c.resolved, c.avgResolution, c.answered, c.satisfaction, c.nps].map((x) => h("th", {}, x)),
  );
  const rows = agents.map((a) =>
    h(
      "tr",
      {
        class: "clickable",
        onclick: () => {
          $("agent").value = a.username;
          load();
        },
      },
      h("td", {}, a.displayName),
      h("td", { class: "num" }, a.assigned),
      h("td", { class: "num" }, a.resolved),
      h("td", { class: "num" }, num(a.avgResolutionHours, 1)),
      h("td", { class: "num" }, a.surveysAnswered),
      h(
        "td",
        { class: `num ${a.satisfactionRate !== null && a.satisfactionRate < last.redLines.satisfaction ? "red" : ""}` },
        pct(a.satisfactionRate),
      ),
      h("td", { class: "num" }, num(a.nps, 1)),
    ),
  );
  $("agents-table").replaceChildren(
    h("thead", {}, head),
    h("tbody", {}, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "7" }, T.noData))])),
  );
}

function renderComments(comments) {
  $("comments").replaceChildren(
    ...(comments.length
      ? comments.map((c) =>
          h(
            "li",
            {},
            h(
              "div",
              { class: c.overall === "dissatisfied" ? "bad" : "" },
              [c.whatWentWrong, c.comment].filter(Boolean).join(" / "),
            ),
            h(
              "div",
              { class: "meta" },
              `${c.ticketNumber} · ${categoryLabel(c.category)} · ${T.overall[c.overall] ?? "—"} · ${new Date(c.at).toLocaleString(locale)}`,
            ),
          ),
        )
      : [h("li", { class: "note" }, T.noData)]),
  );
}

function chart(id) {
  let c = chartInstances.get(id);
  if (!c) {
    c = window.echarts.init($(id), null, { renderer: "canvas" });
    chartInstances.set(id, c);
  }
  return c;
}

/**
 * A chart with nothing to show says so instead of drawing: ECharts draws a ring of equal thirds
 * for three zeros and gauges pointing at 0%, which a supervisor reads as figures.
 */
function emptyChart(id, empty) {
  const el = $(id);
  let note = el.parentElement.querySelector(`.chart-empty[data-for="${id}"]`);
  if (!empty) {
    note?.remove();
    return false;
  }
  chart(id).clear();
  if (!note) {
    note = h("p", { class: "chart-empty note", "data-for": id }, T.noChartData);
    el.parentElement.append(note);
  }
  return true;
}

function renderCharts(s) {
  const emptyTrend = emptyChart(
    "chart-trend",
    s.complaints.trend.every((d) => !d.total),
  );
  const emptyCategories = emptyChart(
    "chart-category",
    Object.values(s.complaints.byCategory).every((n) => !n),
  );
  const emptyPie = emptyChart(
    "chart-satisfaction",
    !(s.surveys.satisfied + s.surveys.basicallySatisfied + s.surveys.dissatisfied),
  );
  const emptySla = emptyChart(
    "chart-sla",
    Object.values(s.sla).every((c) => c.complianceRate === null),
  );
  const days = s.complaints.trend.map((d) => d.day);
  const categories = Object.entries(s.complaints.byCategory).sort((a, b) => b[1] - a[1]);
  const top = categories.slice(0, 4).map(([code]) => code);
  const trend = chart("chart-trend");
  if (!emptyTrend)
    trend.setOption(
      {
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 28 },
        xAxis: { type: "category", data: days },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          {
            name: T.total,
            type: "line",
            smooth: true,
            data: s.complaints.trend.map((d) => d.total),
            areaStyle: { opacity: 0.08 },
          },
          ...top.map((code) => ({
            name: categoryLabel(code),
            type: "line",
            smooth: true,
            data: s.complaints.trend.map((d) => d.byCategory[code] ?? 0),
          })),
        ],
      },
      true,
    );
  const bars = chart("chart-category");
  if (!emptyCategories)
    bars.setOption(
      {
        animation: false,
        tooltip: {},
        grid: { left: 90, right: 20, top: 8, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: categories.map(([code]) => categoryLabel(code)).reverse() },
        series: [
          {
            type: "bar",
            data: categories.map(([code, n]) => ({ value: n, code })).reverse(),
            itemStyle: { color: "#1677ff" },
          },
        ],
      },
      true,
    );
  bars.off("click");
  bars.on("click", (p) => drill("all", { category: p.data.code }));
  const pie = chart("chart-satisfaction");
  if (!emptyPie)
    pie.setOption(
      {
        animation: false,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        // Issue 18: the names in the legend on top, only the shares beside the ring (short enough
        // never to be cut to "…" in a narrow panel), the ring sized so they clear the legend.
        legend: { top: 0 },
        color: ["#52c41a", "#faad14", "#f5222d"],
        series: [
          {
            type: "pie",
            center: ["50%", "56%"],
            radius: ["32%", "52%"],
            avoidLabelOverlap: true,
            labelLine: { length: 8, length2: 6 },
            data: [
              { name: T.overall.satisfied, value: s.surveys.satisfied },
              { name: T.overall.basically_satisfied, value: s.surveys.basicallySatisfied },
              { name: T.overall.dissatisfied, value: s.surveys.dissatisfied, drill: "dissatisfied" },
            ].map((d) => (d.value ? d : { ...d, label: { show: false }, labelLine: { show: false } })),
            label: { formatter: "{d}%", overflow: "none" },
          },
        ],
      },
      true,
    );
  pie.off("click");
  pie.on("click", (p) => p.data.drill && drill(p.data.drill));
  const kinds = Object.keys(s.sla);
  const gauges = chart("chart-sla");
  if (!emptySla)
    gauges.setOption(
      {
        animation: false,
        series: kinds.map((kind, i) => ({
          type: "gauge",
          kind,
          center: [`${((i + 0.5) * 100) / kinds.length}%`, "60%"],
          radius: "70%",
          min: 0,
          max: 100,
          splitNumber: 5,
          axisLine: {
            lineStyle: {
              width: 10,
              color: [
                [0.8, "#f5222d"],
                [0.95, "#faad14"],
                [1, "#52c41a"],
              ],
            },
          },
          pointer: { width: 4, show: s.sla[kind].complianceRate !== null },
          axisLabel: { distance: 14, fontSize: 10 },
          detail: {
            formatter: (v) => (Number.isNaN(v) ? "—" : `${v.toFixed(1)}%`),
            fontSize: 16,
            offsetCenter: [0, "60%"],
          },
          title: { offsetCenter: [0, "95%"], fontSize: 12 },
          data: [
            {
              value: s.sla[kind].complianceRate === null ? Number.NaN : s.sla[kind].complianceRate * 100,
              name: `${T.clock[kind] ?? kind}  ✓${s.sla[kind].met} ✗${s.sla[kind].breached}`,
            },
          ],
        })),
      },
      true,
    );
  gauges.off("click");
  gauges.on("click", (p) => drill("breached", { clock: kinds[p.seriesIndex] }));
}
window.addEventListener("resize", () => {
  for (const c of chartInstances.values()) c.resize();
});

// ───────── drill-down ─────────
/**
 * Opens the tickets behind a figure. `more.label` names the place, stage or outlet in the title
 * (instead of its code); `more.detail` is shown above the tickets (a province's cities, issue 23).
 */
async function drill(kind, extra = {}, more = {}) {
  const res = await api(`/api/reports/tickets?${query({ drill: kind, pageSize: "200", ...extra })}`).catch((err) => {
    toast(`${T.loadFailed}${err.message}`, "error");
  });
  if (!res) return;
  const title = [
    T.drill[kind] ?? kind,
    extra.category ? categoryLabel(extra.category) : "",
    extra.clock ? T.clock[extra.clock] : "",
    // Issue 23: a stage, place or outlet row's tickets.
    ...(more.label ? [more.label] : [extra.stage ?? "", extra.province ?? "", extra.city ?? "", extra.outlet ?? ""]),
  ]
    .filter(Boolean)
    .join(" · ");
  $("drill-title").textContent = title;
  $("drill-count").textContent = fill(T.count, { n: res.total });
  $("drill-detail").replaceChildren(...(more.detail ? [more.detail] : []));
  const c = T.cols;
  $("drill-table").replaceChildren(
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...[c.number, c.category, c.status, c.group, c.agent, c.created, c.resolvedAt, c.survey].map((x) =>
          h("th", {}, x),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...res.items.map((t) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `/console?ticket=${encodeURIComponent(t.number)}`, target: "_blank" }, t.number)),
          h("td", {}, categoryLabel(t.category)),
          h("td", {}, T.status[t.status] ?? t.status),
          h("td", {}, T.groups[t.groupCode] ?? t.groupCode),
          h("td", {}, t.assignee ?? "—"),
          h("td", {}, new Date(t.createdAt).toLocaleString(locale)),
          h("td", {}, t.resolvedAt ? new Date(t.resolvedAt).toLocaleString(locale) : "—"),
          h("td", {}, T.overall[t.overall] ?? ""),
        ),
      ),
    ),
  );
  $("drill").hidden = false;
}
$("drill-close").addEventListener("click", () => ($("drill").hidden = true));

/**
 * Issue 18: an agent sees one clear sentence (仅主管和管理员), not empty charts, filters and export
 * buttons that would only answer 403.
 */
function showForbidden() {
  $("app-view").classList.add("forbidden");
  $("forbidden").hidden = false;
}

// ───────── start ─────────
async function start() {
  const me = await api("/api/auth/me").catch(() => null);
  if (!me) return showLogin();
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("me").textContent = me.displayName;
  if (me.role !== "supervisor" && me.role !== "admin") {
    showForbidden();
    return;
  }
  // Issue 19: the holiday data runs out soon (or has): say so above the figures.
  showCalendarBanner($("calendar-banner"));
  const params = new URLSearchParams(location.search);
  if (params.get("from") && params.get("to")) {
    $("preset").value = "custom";
    $("from").value = params.get("from");
    $("to").value = params.get("to");
  } else setPreset(30);
  await load();
  liveAlerts();
}

// ───────── live early warning (issue 23) ─────────
// 投诉预警 by category, city or stage arrive over the staff WebSocket as they are detected: the alert
// is put on top of the banner (marked live) and announced, without reloading the figures.
let liveRetry = 0;
function liveAlerts() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${proto}://${location.host}/api/agents/ws?token=${encodeURIComponent(session.token)}`);
  socket.addEventListener("open", () => {
    liveRetry = 0;
    document.body.dataset.live = "true";
  });
  socket.addEventListener("close", (e) => {
    document.body.dataset.live = "false";
    if (e.code !== 4401 && session.token) setTimeout(liveAlerts, Math.min(10_000, 500 * 2 ** liveRetry++));
  });
  socket.addEventListener("message", (e) => {
    const event = JSON.parse(e.data);
    if (event.type !== "alert.early_warning") return;
    const a = event.alert;
    const text = locale === "en" ? (a.messageEn ?? a.message) : a.message;
    $("alerts").prepend(
      h(
        "div",
        {
          class: `alert ${a.level} live`,
          role: "alert",
          "data-code": a.code,
          "data-live": "true",
          ...(a.cityCode ? { "data-city": a.cityCode } : {}),
          ...(a.stage ? { "data-stage": a.stage } : {}),
        },
        text,
      ),
    );
    toast(text, "error");
  });
}
if (session.token) start();
else showLogin();
