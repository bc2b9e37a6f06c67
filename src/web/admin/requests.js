// /admin 服务请求 (issue 15): where each request type is opened (GET/PUT /api/admin/request-routing)
// and the promise of each type — its clocks' targets and calendar, 24×7 or working hours, also per
// group — which are SLA policies of that ticketType (GET/PUT /api/sla/policies). The bot states the
// promise from the clocks a new request starts, so what is saved here is what customers are told.
// Supervisors may read (inputs disabled); changing needs an admin, as the API checks.

import { h, locale, toast } from "/static/shared/staff.js";
import { calendarLabel } from "/static/shared/words.js";

const TEXTS = {
  "zh-CN": {
    routing: "处理小组",
    routingHelp: "新请求进入所选小组的队列；已打开的请求不变。",
    policies: "承诺时限",
    policiesHelp:
      "机器人按新请求的时钟告诉客户承诺时间（如“2小时内给您回复”）。24×7 按自然时间计算；工作日历只计工作时间并跳过节假日。",
    type: "请求类型",
    group: "小组",
    anyGroup: "全部小组",
    clock: "时钟",
    target: "时限（分钟）",
    calendar: "日历",
    save: "保存",
    add: "新增小组时限",
    saved: "已保存",
    readOnly: "只读：修改需要管理员权限",
    custom: "已自定义",
    builtin: "默认",
    types: {
      urge: "催件",
      address_change: "改地址",
      pickup: "预约取件",
      delivery_preference: "派送偏好",
      claim: "理赔",
    },
    kinds: {
      resolution: "办理时限",
      claim_ack: "确认受理",
      claim_proposal: "提出赔偿方案",
      claim_payment: "同意后支付",
    },
  },
  en: {
    routing: "Group",
    routingHelp: "New requests go to the chosen group's queue; open requests stay where they are.",
    policies: "Promises",
    policiesHelp:
      "The bot tells customers the promise of the clocks a new request starts (“we will get back to you within 2 hours”). 24×7 counts clock time; a working calendar counts working hours and skips holidays.",
    type: "Request type",
    group: "Group",
    anyGroup: "All groups",
    clock: "Clock",
    target: "Target (minutes)",
    calendar: "Calendar",
    save: "Save",
    add: "Add a group's promise",
    saved: "Saved",
    readOnly: "Read only: changes need an admin",
    custom: "custom",
    builtin: "default",
    types: {
      urge: "Hurry a parcel",
      address_change: "Address change",
      pickup: "Pickup booking",
      delivery_preference: "Delivery preference",
      claim: "Claim",
    },
    kinds: {
      resolution: "Resolution",
      claim_ack: "Acknowledge",
      claim_proposal: "Propose compensation",
      claim_payment: "Pay after agreement",
    },
  },
};
const R = TEXTS[locale] ?? TEXTS["zh-CN"];
const TYPES = Object.keys(R.types);
const KINDS = { claim: ["claim_ack", "claim_proposal", "claim_payment"] };
const kindsOf = (type) => KINDS[type] ?? ["resolution"];

/** The policy fields PUT /api/sla/policies/{name} takes (ticketType included: it is what makes it a request's). */
function policyBody(p) {
  const keys = [
    "ticketType",
    "kind",
    "category",
    "priority",
    "groupCode",
    "complex",
    "targetMinutes",
    "calendarId",
    "warnRatio",
    "pausable",
    "active",
    "rank",
  ];
  return Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
}

/** Plain-words length of a target ("2小时", "30天"), as the bot says it. */
function words(minutes) {
  const m = Number(minutes);
  if (!Number.isFinite(m) || m <= 0) return "";
  const en = locale === "en";
  if (m % 1440 === 0 && m > 2880) return en ? `${m / 1440} days` : `${m / 1440}天`;
  if (m % 60 === 0) return en ? `${m / 60} h` : `${m / 60}小时`;
  return en ? `${m} min` : `${m}分钟`;
}

export async function requestsPanel({ api, table, me, groups, refresh }) {
  const canEdit = me?.role === "admin";
  const [{ items: routes }, { items: policies }, { items: calendars }] = await Promise.all([
    api("/api/admin/request-routing"),
    api("/api/sla/policies"),
    api("/api/sla/calendars"),
  ]);
  const groupName = (code) => {
    const g = groups.find((x) => x.code === code);
    return g ? (locale === "en" ? g.nameEn : g.nameZh) : code;
  };
  // The same words as the SLA tab (the built-in calendars' names already carry their hours).
  const calendarName = (c) =>
    calendarLabel(c.id) !== c.id
      ? calendarLabel(c.id)
      : c.name.includes(c.dayStart)
        ? c.name
        : `${c.name} ${c.dayStart}–${c.dayEnd}`;
  const run = (fn) => async () => {
    try {
      await fn();
      toast(R.saved);
      refresh();
    } catch (err) {
      toast(err.message, "breach");
    }
  };
  const groupSelect = (value, withAny = false) =>
    h(
      "select",
      { name: "groupCode", disabled: !canEdit },
      withAny ? h("option", { value: "" }, R.anyGroup) : null,
      groups.map((g) => h("option", { value: g.code, selected: g.code === value }, groupName(g.code))),
    );
  const calendarSelect = (value) =>
    h(
      "select",
      { name: "calendarId", disabled: !canEdit },
      calendars.map((c) => h("option", { value: c.id, selected: c.id === value }, calendarName(c))),
    );
  const minutesInput = (value) => {
    const input = h("input", {
      name: "targetMinutes",
      type: "number",
      min: "1",
      max: String(60 * 24 * 60),
      step: "1",
      value: String(value),
      style: "width:100px",
      disabled: !canEdit,
    });
    const hint = h("span", { class: "muted promise-words" }, words(value));
    input.addEventListener("input", () => {
      hint.textContent = words(input.value);
    });
    return [input, hint];
  };

  const routeRows = routes.map((r) => {
    const select = groupSelect(r.groupCode);
    return h(
      "tr",
      { "data-route": r.type },
      h("td", {}, R.types[r.type] ?? r.type),
      h("td", {}, select),
      h("td", { class: "muted" }, r.custom ? R.custom : R.builtin),
      h(
        "td",
        {},
        canEdit
          ? h(
              "button",
              {
                type: "button",
                class: "secondary",
                onclick: run(() =>
                  api(`/api/admin/request-routing/${r.type}`, {
                    method: "PUT",
                    body: JSON.stringify({ groupCode: select.value }),
                  }),
                ),
              },
              R.save,
            )
          : "",
      ),
    );
  });

  const mine = policies
    .filter((p) => TYPES.includes(p.ticketType))
    .sort(
      (a, b) =>
        TYPES.indexOf(a.ticketType) - TYPES.indexOf(b.ticketType) ||
        kindsOf(a.ticketType).indexOf(a.kind) - kindsOf(b.ticketType).indexOf(b.kind) ||
        (a.groupCode ?? "").localeCompare(b.groupCode ?? ""),
    );
  const policyRows = mine.map((p) => {
    const [input, hint] = minutesInput(p.targetMinutes);
    const calendar = calendarSelect(p.calendarId);
    return h(
      "tr",
      { "data-policy": p.name },
      h("td", {}, R.types[p.ticketType] ?? p.ticketType),
      h("td", {}, R.kinds[p.kind] ?? p.kind),
      h("td", {}, p.groupCode ? groupName(p.groupCode) : R.anyGroup),
      h("td", { class: "row-actions" }, input, " ", hint),
      h("td", {}, calendar),
      h(
        "td",
        {},
        canEdit
          ? h(
              "button",
              {
                type: "button",
                class: "secondary",
                onclick: run(() =>
                  api(`/api/sla/policies/${encodeURIComponent(p.name)}`, {
                    method: "PUT",
                    body: JSON.stringify(
                      policyBody({ ...p, targetMinutes: Number(input.value), calendarId: calendar.value }),
                    ),
                  }),
                ),
              },
              R.save,
            )
          : "",
      ),
    );
  });

  const out = [
    canEdit ? "" : h("p", { class: "muted", id: "requests-readonly" }, R.readOnly),
    h("h2", {}, R.routing),
    h("p", { class: "muted" }, R.routingHelp),
    table([R.type, R.group, "", ""], routeRows),
    h("h2", {}, R.policies),
    h("p", { class: "muted" }, R.policiesHelp),
    table([R.type, R.clock, R.group, R.target, R.calendar, ""], policyRows),
  ];

  if (canEdit) {
    // A promise for one group of a type: a more specific policy, ranked above the type's own.
    const type = h(
      "select",
      { name: "ticketType" },
      TYPES.map((t) => h("option", { value: t }, R.types[t])),
    );
    const kind = h("select", { name: "kind" });
    const fillKinds = () =>
      kind.replaceChildren(...kindsOf(type.value).map((k) => h("option", { value: k }, R.kinds[k])));
    type.addEventListener("change", fillKinds);
    fillKinds();
    const group = groupSelect(groups[0]?.code);
    const [input, hint] = minutesInput(120);
    const calendar = calendarSelect("24x7");
    const form = h(
      "form",
      { class: "inline", id: "request-policy-form", onsubmit: (e) => e.preventDefault() },
      h("label", {}, R.type, type),
      h("label", {}, R.clock, kind),
      h("label", {}, R.group, group),
      h("label", {}, R.target, h("span", {}, input, " ", hint)),
      h("label", {}, R.calendar, calendar),
      h(
        "button",
        {
          type: "button",
          onclick: run(() => {
            const base = mine.find((p) => p.ticketType === type.value && p.kind === kind.value && !p.groupCode);
            return api(`/api/sla/policies/${encodeURIComponent(`${type.value}_${kind.value}_${group.value}`)}`, {
              method: "PUT",
              body: JSON.stringify({
                ticketType: type.value,
                kind: kind.value,
                groupCode: group.value,
                targetMinutes: Number(input.value),
                calendarId: calendar.value,
                pausable: base?.pausable ?? true,
                rank: (base?.rank ?? 0) + 10,
              }),
            });
          }),
        },
        R.add,
      ),
    );
    out.push(form);
  }
  return out.filter(Boolean);
}
