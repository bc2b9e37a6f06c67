// /admin 知识库 (issue 14): articles (list, create, edit, disable, preview, delete), import and
// export, 试一试 (the top matches with their scores) and 未解决问题 (unanswered and 没帮助
// questions grouped by similarity, 从此创建条目). Every customer text and article text is put in
// the page as text (h() makes text nodes; nothing goes through innerHTML).
import { h, locale, session, toast } from "/static/shared/staff.js";

const I18N = {
  "zh-CN": {
    articles: "条目",
    newArticle: "新建条目",
    editArticle: "编辑条目",
    title: "标题问题",
    titleEn: "英文标题",
    questions: "其他问法（每行一个）",
    answer: "答案（中文；第一段为简短回答）",
    answerEn: "答案（英文）",
    category: "类别",
    tags: "关键词（逗号分隔）",
    source: "依据来源",
    enabled: "启用",
    validFrom: "生效时间",
    validTo: "失效时间",
    save: "保存",
    cancel: "取消",
    edit: "编辑",
    preview: "预览",
    disable: "停用",
    enable: "启用",
    remove: "删除",
    confirmRemove: "删除这个条目？（历史版本保留）",
    views: "浏览",
    helpful: "有帮助",
    unhelpful: "没帮助",
    status: "状态",
    on: "启用",
    off: "停用",
    saved: "已保存",
    tryIt: "试一试",
    tryPlaceholder: "输入客户会问的问题",
    search: "查找",
    score: "得分",
    matched: "匹配的问法",
    answers: "会回答",
    threshold: "回答阈值",
    yes: "是",
    no: "否",
    unanswered: "未解决问题",
    count: "次数",
    examples: "例子",
    lastAt: "最近",
    createFrom: "从此创建条目",
    dismiss: "忽略",
    importTitle: "导入 / 导出",
    importBtn: "导入",
    imported: "已导入：新建 {created}，更新 {updated}",
    exportJsonl: "导出 JSONL",
    exportCsv: "导出 CSV",
    none: "暂无",
    filter: "筛选",
    rowErrors: "导入被拒绝，请修正：",
  },
  en: {
    articles: "Articles",
    newArticle: "New article",
    editArticle: "Edit article",
    title: "Title question",
    titleEn: "English title",
    questions: "Other phrasings (one per line)",
    answer: "Answer (Chinese; the first paragraph is the short reply)",
    answerEn: "Answer (English)",
    category: "Category",
    tags: "Keywords (comma-separated)",
    source: "Source",
    enabled: "Enabled",
    validFrom: "Valid from",
    validTo: "Valid to",
    save: "Save",
    cancel: "Cancel",
    edit: "Edit",
    preview: "Preview",
    disable: "Disable",
    enable: "Enable",
    remove: "Delete",
    confirmRemove: "Delete this article? (its versions are kept)",
    views: "Views",
    helpful: "Helpful",
    unhelpful: "Not helpful",
    status: "Status",
    on: "Enabled",
    off: "Disabled",
    saved: "Saved",
    tryIt: "Try it",
    tryPlaceholder: "Type a question a customer would ask",
    search: "Search",
    score: "Score",
    matched: "Matched phrasing",
    answers: "Answers",
    threshold: "Answer threshold",
    yes: "yes",
    no: "no",
    unanswered: "Unanswered questions",
    count: "Count",
    examples: "Examples",
    lastAt: "Last",
    createFrom: "Create an article from this",
    dismiss: "Dismiss",
    importTitle: "Import / export",
    importBtn: "Import",
    imported: "Imported: {created} new, {updated} updated",
    exportJsonl: "Export JSONL",
    exportCsv: "Export CSV",
    none: "Nothing here",
    filter: "Filter",
    rowErrors: "Import refused, fix these rows:",
  },
};
const T = I18N[locale] ?? I18N["zh-CN"];

const rate = (n, total) => (total ? `${Math.round((n / total) * 100)}%` : "—");
const lines = (text) =>
  String(text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const list = (text) =>
  String(text ?? "")
    .split(/[,，、\n]/)
    .map((l) => l.trim())
    .filter(Boolean);
const localInput = (iso) => (iso ? new Date(iso).toISOString().slice(0, 16) : "");

function field(label, input) {
  return h("label", {}, label, input);
}

/**
 * The 知识库 tab: `api` is the admin page's fetch helper, `table` its table builder, `refresh`
 * redraws the tab, `me` the user (only admins get the buttons that change anything).
 */
export async function kbPanel({ api, table, refresh, me }) {
  const admin = me.role === "admin";
  /** A button for admins only (null for supervisors). */
  const adminButton = (label, onclick, cls = "secondary") =>
    admin ? h("button", { type: "button", class: cls, onclick }, label) : null;
  /** Calls the API, says what went wrong, redraws the tab. */
  const change = async (path, options) => {
    await api(path, options).catch((err) => toast(err.message, "breach"));
    refresh();
  };
  const [{ items }, unanswered] = await Promise.all([api("/api/kb/articles"), api("/api/kb/unanswered")]);
  const editor = h("div", { id: "kb-editor" });
  const previewBox = h("div", { id: "kb-preview", class: "kb-preview", hidden: true });

  function openEditor(article, prefill = {}) {
    const a = article ?? {};
    const form = h(
      "form",
      { class: "kb-form", id: "kb-form" },
      h("h3", {}, article ? T.editArticle : T.newArticle),
      field(
        T.title,
        h("input", { name: "title", required: true, maxlength: "200", value: a.title ?? prefill.title ?? "" }),
      ),
      field(T.titleEn, h("input", { name: "titleEn", maxlength: "300", value: a.titleEn ?? "" })),
      field(
        T.questions,
        h("textarea", { name: "questions", rows: "4" }, (a.questions ?? prefill.questions ?? []).join("\n")),
      ),
      field(T.answer, h("textarea", { name: "answer", rows: "5", required: true }, a.answer ?? "")),
      field(T.answerEn, h("textarea", { name: "answerEn", rows: "3" }, a.answerEn ?? "")),
      field(T.category, h("input", { name: "category", required: true, maxlength: "50", value: a.category ?? "" })),
      field(T.tags, h("input", { name: "tags", value: (a.tags ?? []).join(", ") })),
      field(T.source, h("input", { name: "source", maxlength: "500", value: a.source ?? "" })),
      field(T.validFrom, h("input", { name: "validFrom", type: "datetime-local", value: localInput(a.validFrom) })),
      field(T.validTo, h("input", { name: "validTo", type: "datetime-local", value: localInput(a.validTo) })),
      h(
        "label",
        { class: "check" },
        h("input", { name: "enabled", type: "checkbox", checked: a.enabled ?? true }),
        T.enabled,
      ),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit" }, T.save),
        h("button", { type: "button", class: "secondary", onclick: () => editor.replaceChildren() }, T.cancel),
      ),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const d = new FormData(form);
      const body = {
        title: d.get("title"),
        titleEn: d.get("titleEn") || null,
        questions: lines(d.get("questions")),
        answer: d.get("answer"),
        answerEn: d.get("answerEn") || null,
        category: d.get("category"),
        tags: list(d.get("tags")),
        source: d.get("source") ?? "",
        enabled: d.get("enabled") === "on",
        validFrom: d.get("validFrom") ? new Date(d.get("validFrom")).toISOString() : null,
        validTo: d.get("validTo") ? new Date(d.get("validTo")).toISOString() : null,
      };
      try {
        await api(article ? `/api/kb/articles/${article.id}` : "/api/kb/articles", {
          method: article ? "PUT" : "POST",
          body: JSON.stringify(body),
        });
        if (prefill.ids?.length)
          await api("/api/kb/unanswered/close", {
            method: "POST",
            body: JSON.stringify({ ids: prefill.ids, status: "resolved" }),
          });
        toast(T.saved);
        refresh();
      } catch (err) {
        toast(err.message, "breach");
      }
    });
    editor.replaceChildren(form);
    form.querySelector("input[name=title]").focus();
  }

  function preview(a) {
    const answer = locale === "en" && a.answerEn ? a.answerEn : a.answer;
    previewBox.hidden = false;
    previewBox.replaceChildren(
      h("h3", {}, locale === "en" && a.titleEn ? a.titleEn : a.title),
      ...answer.split(/\n{2,}/).map((p) => h("p", {}, p)),
      a.source ? h("p", { class: "muted" }, `${T.source}：${a.source}`) : null,
      h("button", { type: "button", class: "secondary", onclick: () => (previewBox.hidden = true) }, T.cancel),
    );
  }

  async function setEnabled(a, enabled) {
    const { id: _i, version: _v, views: _w, helpful: _h, unhelpful: _u, updatedAt: _t, ...input } = a;
    await change(`/api/kb/articles/${a.id}`, { method: "PUT", body: JSON.stringify({ ...input, enabled }) });
  }

  const rows = items.map((a) => {
    const votes = a.helpful + a.unhelpful;
    return h(
      "tr",
      { "data-article": a.title },
      h("td", {}, a.title, a.titleEn ? h("div", { class: "muted" }, a.titleEn) : null),
      h("td", {}, a.category),
      h("td", {}, a.enabled ? T.on : T.off),
      h("td", { class: "num" }, String(a.views)),
      h("td", { class: "num" }, `${rate(a.helpful, votes)} (${a.helpful})`),
      h("td", { class: "num" }, `${rate(a.unhelpful, votes)} (${a.unhelpful})`),
      h(
        "td",
        { class: "row-actions" },
        h("button", { type: "button", class: "secondary", onclick: () => preview(a) }, T.preview),
        adminButton(T.edit, () => openEditor(a)),
        adminButton(a.enabled ? T.disable : T.enable, () => setEnabled(a, !a.enabled)),
        adminButton(
          T.remove,
          () => confirm(T.confirmRemove) && change(`/api/kb/articles/${a.id}`, { method: "DELETE" }),
        ),
      ),
    );
  });

  // 试一试
  const tryResults = h("div", { id: "kb-try-results" });
  const tryForm = h(
    "form",
    { class: "inline", id: "kb-try" },
    h("label", { style: "flex:1" }, T.tryIt, h("input", { name: "q", required: true, placeholder: T.tryPlaceholder })),
    h("button", { type: "submit" }, T.search),
  );
  tryForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const q = new FormData(tryForm).get("q");
    try {
      const r = await api("/api/kb/search", { method: "POST", body: JSON.stringify({ q, locale }) });
      tryResults.replaceChildren(
        h("p", { class: "muted" }, `${T.threshold} ${r.threshold}`),
        table(
          [T.title, T.score, T.matched, T.answers],
          r.items.map((m) =>
            h(
              "tr",
              { "data-match": m.title },
              h("td", {}, m.title),
              h("td", { class: "num" }, m.score.toFixed(3)),
              h("td", {}, m.matched || "—"),
              h("td", {}, m.answers ? T.yes : T.no),
            ),
          ),
        ),
      );
    } catch (err) {
      toast(err.message, "breach");
    }
  });

  // Import / export
  const importForm = h(
    "form",
    { class: "inline", id: "kb-import" },
    h("input", { type: "file", name: "file", accept: ".csv,.jsonl,.json,.txt", required: true }),
    h("button", { type: "submit" }, T.importBtn),
    h("button", { type: "button", class: "secondary", onclick: () => download("jsonl") }, T.exportJsonl),
    h("button", { type: "button", class: "secondary", onclick: () => download("csv") }, T.exportCsv),
  );
  importForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = importForm.querySelector("input[type=file]").files[0];
    if (!file) return;
    const format = /\.csv$/i.test(file.name) ? "csv" : "jsonl";
    const res = await fetch(`/api/kb/import?format=${format}`, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8", authorization: `Bearer ${session.token}` },
      body: await file.text(),
    });
    const body = await res.json().catch(() => ({}));
    if (res.ok) {
      toast(T.imported.replace("{created}", body.created).replace("{updated}", body.updated));
      refresh();
    } else {
      const rowsText = (body.error?.details?.rows ?? []).map((r) => `#${r.row}: ${r.message}`).join("；");
      toast(`${T.rowErrors} ${rowsText || body.error?.message || res.status}`, "breach");
    }
  });

  async function download(format) {
    const res = await fetch(`/api/kb/export?format=${format}`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    if (!res.ok) return toast(String(res.status), "breach");
    const url = URL.createObjectURL(await res.blob());
    const link = h("a", { href: url, download: `kb.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  // 未解决问题
  const groups = unanswered.groups.map((g) =>
    h(
      "tr",
      { "data-unanswered": g.question },
      h("td", {}, g.question),
      h("td", { class: "num" }, String(g.count)),
      h("td", { class: "num" }, String(g.unhelpful)),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "examples" },
          g.examples.map((x) => h("li", {}, x)),
        ),
      ),
      h("td", {}, new Date(g.lastAt).toLocaleString(locale)),
      h(
        "td",
        { class: "row-actions" },
        adminButton(
          T.createFrom,
          () =>
            openEditor(null, {
              title: g.question,
              questions: g.examples.filter((x) => x !== g.question),
              ids: g.ids,
            }),
          "",
        ),
        adminButton(T.dismiss, () =>
          change("/api/kb/unanswered/close", {
            method: "POST",
            body: JSON.stringify({ ids: g.ids, status: "dismissed" }),
          }),
        ),
      ),
    ),
  );

  return [
    h("section", { class: "kb-section" }, h("h2", {}, T.tryIt), tryForm, tryResults),
    h(
      "section",
      { class: "kb-section", id: "kb-articles" },
      h(
        "h2",
        {},
        `${T.articles} (${items.length}) `,
        admin ? h("button", { type: "button", id: "kb-new", onclick: () => openEditor(null) }, T.newArticle) : null,
      ),
      editor,
      previewBox,
      table([T.title, T.category, T.status, T.views, T.helpful, T.unhelpful, ""], rows),
    ),
    h(
      "section",
      { class: "kb-section", id: "kb-unanswered" },
      h("h2", {}, `${T.unanswered} (${unanswered.groups.length})`),
      table([T.title, T.count, T.unhelpful, T.examples, T.lastAt, ""], groups),
    ),
    admin ? h("section", { class: "kb-section" }, h("h2", {}, T.importTitle), importForm) : null,
  ].filter(Boolean);
}
