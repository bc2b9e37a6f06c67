// 投诉 / 建议 / 咨询 side by side per day, and the suggestions' hot topics with the previous
// period's count (003 §8.2–8.3; issue 14). Texts through textContent only.
import { h, locale } from "/static/shared/staff.js";

const T = {
  "zh-CN": {
    day: "日期",
    complaint: "投诉",
    suggestion: "建议",
    inquiry: "咨询",
    answered: "咨询解答率",
    topics: "建议热点",
    previous: "上期",
    none: "暂无数据",
  },
  en: {
    day: "Day",
    complaint: "Complaints",
    suggestion: "Suggestions",
    inquiry: "Questions",
    answered: "Questions answered",
    topics: "Hot topics in suggestions",
    previous: "previous period",
    none: "No data",
  },
}[locale];

/** Renders the feedback figures of /api/reports/summary into `root`. */
export function renderFeedback(root, fb) {
  if (!fb) {
    root.replaceChildren(h("p", { class: "note" }, T.none));
    return;
  }
  const rate = fb.inquiryAnswerRate === null ? "—" : `${Math.round(fb.inquiryAnswerRate * 100)}%`;
  const totals = h(
    "p",
    { class: "note", "data-feedback-totals": "" },
    `${T.complaint} ${fb.complaint} · ${T.suggestion} ${fb.suggestion} · ${T.inquiry} ${fb.inquiry} · ${T.answered} ${rate}`,
  );
  const table = h(
    "table",
    {},
    h("tr", {}, ...[T.day, T.complaint, T.suggestion, T.inquiry].map((c) => h("th", {}, c))),
    ...fb.byDay.map((d) =>
      h("tr", {}, ...[d.day, d.complaint, d.suggestion, d.inquiry].map((c) => h("td", {}, String(c)))),
    ),
  );
  const topics = h(
    "ul",
    { class: "comments", "data-hot-topics": "" },
    ...(fb.hotTopics.length
      ? fb.hotTopics.map((t) => {
          const arrow = t.count > t.previous ? "↑" : t.count < t.previous ? "↓" : "→";
          return h("li", {}, `${t.term} ×${t.count} ${arrow} (${T.previous} ${t.previous})`);
        })
      : [h("li", { class: "note" }, T.none)]),
  );
  root.replaceChildren(totals, table, h("h3", {}, T.topics), topics);
}
