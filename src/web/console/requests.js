// Service requests in the console (issue 15): type filter, request facts, and the actions an
// agent takes — complete, reject with a reason, convert into a complaint; for claims, propose
// the compensation and record the customer's agreement. The customer is told by the server.
import { h, locale } from "/static/shared/staff.js";

const TEXTS = {
  "zh-CN": {
    type: {
      "": "全部类型",
      complaint: "投诉",
      urge: "催件",
      address_change: "改地址",
      pickup: "预约取件",
      delivery_preference: "派送偏好",
      claim: "理赔",
    },
    complete: "完成",
    reject: "拒绝",
    convert: "转为投诉",
    propose: "提出赔偿方案",
    agree: "客户已同意",
    reason: "原因（会告知客户）",
    result: "处理结果（会告知客户）",
    amount: "金额（元）",
    paid: "已支付金额（元）",
    note: "备注",
    outcome: { done: "已完成", rejected: "已拒绝", cancelled: "客户已取消" },
    claim_ack: "24小时确认受理",
    claim_proposal: "30日内提出方案",
    claim_payment: "同意后7日内支付",
    fields: {
      address: "地址",
      slot: "上门时间",
      item: "物品",
      weightKg: "重量(公斤)",
      preference: "派送方式",
      when: "派送时间",
      consent: "客户同意放置",
      claimKind: "理赔类型",
      amount: "申报价值(元)",
      insured: "已保价",
      proposed: "方案金额(元)",
      paidAmount: "已付金额(元)",
    },
  },
  en: {
    type: {
      "": "All types",
      complaint: "Complaint",
      urge: "Hurry",
      address_change: "Address change",
      pickup: "Pickup",
      delivery_preference: "Delivery preference",
      claim: "Claim",
    },
    complete: "Complete",
    reject: "Reject",
    convert: "Convert to complaint",
    propose: "Propose compensation",
    agree: "Customer agreed",
    reason: "Reason (the customer is told)",
    result: "Result (the customer is told)",
    amount: "Amount (yuan)",
    paid: "Amount paid (yuan)",
    note: "Note",
    outcome: { done: "Done", rejected: "Rejected", cancelled: "Cancelled by customer" },
    claim_ack: "Acknowledge in 24 h",
    claim_proposal: "Propose in 30 days",
    claim_payment: "Pay in 7 days",
    fields: {
      address: "Address",
      slot: "Pickup time",
      item: "Item",
      weightKg: "Weight (kg)",
      preference: "Delivery",
      when: "Delivery time",
      consent: "Customer consented",
      claimKind: "Claim for",
      amount: "Declared value",
      insured: "Insured",
      proposed: "Proposed",
      paidAmount: "Paid",
    },
  },
};

export const R = TEXTS[locale] ?? TEXTS["zh-CN"];

export function typeLabel(type) {
  return R.type[type] ?? type;
}

/** The type <select> of the ticket list. */
export function typeSelect(onChange) {
  return h(
    "select",
    { id: "ticket-type", onchange: onChange, "aria-label": R.type[""] },
    Object.entries(R.type).map(([v, l]) => h("option", { value: v }, l)),
  );
}

function show(v) {
  if (v === true) return "✓";
  if (v && typeof v === "object") return v.date ? `${v.date} ${v.part ?? ""}` : v.given ? "✓" : JSON.stringify(v);
  return String(v);
}

/** The request's own facts (the agent sees the full address; lists show it masked). */
export function requestInfo(t) {
  if (!t.type || t.type === "complaint") return "";
  const d = t.details ?? {};
  const rows = Object.entries(R.fields)
    .map(([k, label]) => {
      const v = k === "proposed" ? t.proposedAmount : k === "paidAmount" ? t.paidAmount : d[k];
      return v === undefined || v === null ? "" : h("div", {}, h("strong", {}, `${label}: `), show(v));
    })
    .filter(Boolean);
  if (t.outcome) rows.push(h("div", {}, h("strong", {}, "✔ "), R.outcome[t.outcome] ?? t.outcome));
  return h("div", { class: "actions request-info" }, rows);
}

/** Buttons for an open request; `post(action, body)` calls the API, `dialog` asks for input. */
export function requestActions(t, post, dialog) {
  const open = ["open", "pending_customer"].includes(t.status);
  if (!open || !t.type || t.type === "complaint") return [];
  const claim = t.type === "claim";
  const agreed = (t.slaClocks ?? []).some((c) => c.kind === "claim_payment");
  const out = [];
  if (claim && !t.proposedAmount)
    out.push(
      h(
        "button",
        {
          id: "request-propose",
          onclick: () =>
            dialog(
              R.propose,
              [
                { name: "amount", label: R.amount, required: true },
                { name: "note", label: R.note },
              ],
              (v) => post("propose", { amount: Number(v.amount), ...(v.note ? { note: v.note } : {}) }),
            ),
        },
        R.propose,
      ),
    );
  if (claim && t.proposedAmount && !agreed)
    out.push(h("button", { id: "request-agree", onclick: () => post("agree") }, R.agree));
  if (!claim || agreed)
    out.push(
      h(
        "button",
        {
          id: "request-complete",
          onclick: () =>
            dialog(
              R.complete,
              [claim ? { name: "paid", label: R.paid, required: true } : { name: "resolution", label: R.result }],
              (v) =>
                post(
                  "complete",
                  claim ? { paidAmount: Number(v.paid) } : v.resolution ? { resolution: v.resolution } : {},
                ),
            ),
        },
        R.complete,
      ),
    );
  out.push(
    h(
      "button",
      {
        class: "secondary",
        id: "request-reject",
        onclick: () =>
          dialog(R.reject, [{ name: "reason", label: R.reason, multiline: true, required: true }], (v) =>
            post("reject", v),
          ),
      },
      R.reject,
    ),
    h("button", { class: "secondary", id: "request-convert", onclick: () => post("convert") }, R.convert),
  );
  return out;
}
