// 建议 in the console (issue 14, 003 §12.3.4), for supervisors and admins: the suggestions
// customers sent (searchable by words or topic tag), each with its customer (masked), channel,
// time and tags; a supervisor marks one adopted or replied, optionally telling the customer.
// Customer text is put in the page as text only.
import { h, locale, toast } from "/static/shared/staff.js";

const TEXTS = {
  "zh-CN": {
    tab: "建议",
    search: "搜索建议内容或话题",
    status: { new: "新建议", adopted: "已采纳", replied: "已回复" },
    customer: "客户",
    channel: "渠道",
    at: "时间",
    tags: "话题",
    note: "内部备注",
    reply: "回复客户（可选，会发到客户的渠道）",
    adopt: "标记已采纳",
    replied: "标记已回复",
    saved: "已保存",
    empty: "暂无建议",
  },
  en: {
    tab: "Suggestions",
    search: "Search suggestions or topics",
    status: { new: "New", adopted: "Adopted", replied: "Replied" },
    customer: "Customer",
    channel: "Channel",
    at: "Time",
    tags: "Topics",
    note: "Internal note",
    reply: "Reply to the customer (optional, sent on their channel)",
    adopt: "Mark adopted",
    replied: "Mark replied",
    saved: "Saved",
    empty: "No suggestions",
  },
};
export const S = TEXTS[locale] ?? TEXTS["zh-CN"];

const when = (iso) => new Date(iso).toLocaleString(locale);

/** The list items of the 建议 tab; `open(row)` shows one. */
export async function suggestionItems(api, text, selectedId, open) {
  const q = new URLSearchParams({ type: "suggestion", pageSize: "100" });
  if (text) q.set("q", text);
  const { items } = await api(`/api/feedback?${q}`);
  return items.map((s) =>
    h(
      "li",
      { "data-suggestion": s.id, class: selectedId === s.id ? "active" : "", onclick: () => open(s) },
      h(
        "div",
        { class: "row1" },
        h("strong", {}, s.customer),
        h("span", { class: `badge ${s.status === "new" ? "" : "done"}` }, S.status[s.status] ?? s.status),
      ),
      h("div", { class: "row1" }, h("span", { class: "sub" }, `${s.channel} · ${when(s.createdAt)}`)),
      h("div", { class: "sub" }, s.text),
      s.tags.length ? h("div", { class: "sub" }, s.tags.map((t) => `#${t}`).join(" ")) : null,
    ),
  );
}

/** The detail of one suggestion with the adopted / replied actions; `done()` refreshes the list. */
export function suggestionDetail(api, s, done) {
  const form = h(
    "form",
    { class: "suggestion-actions", id: "suggestion-form" },
    h("label", {}, S.note, h("textarea", { name: "note", rows: "2", maxlength: "1000" }, s.note ?? "")),
    h("label", {}, S.reply, h("textarea", { name: "reply", rows: "3", maxlength: "1000" })),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", value: "adopted" }, S.adopt),
      h("button", { type: "submit", value: "replied", class: "secondary" }, S.replied),
    ),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const body = { status: e.submitter?.value ?? "adopted", note: d.get("note") || null };
    if (d.get("reply")) body.reply = d.get("reply");
    try {
      await api(`/api/feedback/${s.id}`, { method: "PATCH", body: JSON.stringify(body) });
      toast(S.saved);
      done({ ...s, status: body.status, note: body.note });
    } catch (err) {
      toast(err.message, "breach");
    }
  });
  return [
    h(
      "div",
      { class: "detail-head", "data-suggestion-detail": s.id },
      h("h2", {}, S.tab),
      h("span", { class: "badge", id: "suggestion-status" }, S.status[s.status] ?? s.status),
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, S.customer),
      h("dd", {}, s.customer),
      h("dt", {}, S.channel),
      h("dd", {}, s.channel),
      h("dt", {}, S.at),
      h("dd", {}, when(s.createdAt)),
      h("dt", {}, S.tags),
      h("dd", {}, s.tags.join("、") || "—"),
    ),
    h("p", { class: "suggestion-text", id: "suggestion-text" }, s.text),
    form,
  ];
}
