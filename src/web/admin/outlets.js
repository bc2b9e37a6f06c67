// /admin 网点 (issue 23): the outlets an admin maintains — a CSV import (all rows or none; each bad
// row shown with its line, column and what is wrong), the list with regions, agent group and the
// last months' parcels, and each outlet's agent group (its complaints go there).

import { h, locale, session, toast } from "/static/shared/staff.js";

const TEXTS = {
  "zh-CN": {
    importTitle: "导入网点（CSV）",
    importHelp:
      "表头：网点编码,网点名称,地区,客服组,月份,件量（也可用 code,name,regions,group,month,shipments）。每个网点每月一行；地区可写行政区划代码或名称，多个用空格或分号分隔；客服组填写后该网点的投诉进入该组。有任何错误行则整份文件不导入。",
    file: "CSV 文件",
    charset: "编码",
    upload: "导入",
    imported: (r) => `已导入 ${r.rows} 行：新增 ${r.created} 个网点，更新 ${r.updated} 个，件量 ${r.months} 条`,
    failed: (n) => `${n} 行有错误，未导入任何数据`,
    line: "行",
    column: "列",
    problem: "问题",
    search: "搜索编码、名称或地区代码",
    code: "编码",
    name: "名称",
    regions: "地区",
    group: "客服组",
    shipments: "近月件量",
    none: "暂无网点",
    noGroup: "（按类别分派）",
    saved: "已保存",
    total: (n) => `共 ${n} 个网点`,
  },
  en: {
    importTitle: "Import outlets (CSV)",
    importHelp:
      "Header: code,name,regions,group,month,shipments (or the Chinese names). One row per outlet and month; regions as GB/T 2260 codes or names, separated by spaces or semicolons; with a group, the outlet's complaints go to that group. Any bad row and nothing of the file is imported.",
    file: "CSV file",
    charset: "Encoding",
    upload: "Import",
    imported: (r) =>
      `Imported ${r.rows} rows: ${r.created} outlets created, ${r.updated} updated, ${r.months} monthly counts`,
    failed: (n) => `${n} bad row(s); nothing was imported`,
    line: "Line",
    column: "Column",
    problem: "Problem",
    search: "Search code, name or region code",
    code: "Code",
    name: "Name",
    regions: "Regions",
    group: "Agent group",
    shipments: "Recent parcels",
    none: "No outlets yet",
    noGroup: "(by category)",
    saved: "Saved",
    total: (n) => `${n} outlets`,
  },
};

export async function outletsPanel({ api, table, me, groups, refresh }) {
  const T = TEXTS[locale] ?? TEXTS["zh-CN"];
  const isAdmin = me?.role === "admin";
  const result = h("div", { id: "outlet-import-result" });
  const form = h(
    "form",
    { class: "inline", id: "outlet-import" },
    h("label", {}, T.file, h("input", { type: "file", name: "file", accept: ".csv,text/csv", required: true })),
    h(
      "label",
      {},
      T.charset,
      h("select", { name: "charset" }, h("option", { value: "utf-8" }, "UTF-8"), h("option", { value: "gbk" }, "GBK")),
    ),
    h("button", { type: "submit", disabled: !isAdmin }, T.upload),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const file = data.get("file");
    if (!(file instanceof File)) return;
    const res = await fetch("/api/admin/outlets/import", {
      method: "POST",
      headers: {
        "content-type": `text/csv; charset=${data.get("charset")}`,
        authorization: `Bearer ${session.token}`,
      },
      body: file,
    });
    const body = await res.json().catch(() => null);
    if (res.ok) {
      toast(T.imported(body));
      refresh();
      return;
    }
    const errors = body?.error?.details?.errors ?? [];
    result.replaceChildren(
      h(
        "p",
        { class: "error", role: "alert" },
        errors.length ? T.failed(body.error.details.total) : body?.error?.message,
      ),
      errors.length
        ? table(
            [T.line, T.column, T.problem],
            errors.map((x) =>
              h(
                "tr",
                { "data-line": String(x.line), "data-code": x.code },
                h("td", {}, String(x.line)),
                h("td", {}, x.column ?? ""),
                h("td", {}, `${locale === "en" ? x.message : x.messageZh} (${x.code})`),
              ),
            ),
          )
        : "",
    );
  });

  const search = h("input", { type: "search", placeholder: T.search, id: "outlet-search" });
  const list = h("div", { id: "outlet-list" });
  const groupName = (code) => {
    const g = groups.find((x) => x.code === code);
    return g ? (locale === "en" ? g.nameEn : g.nameZh) : code;
  };
  async function load() {
    const q = search.value.trim();
    const { total, outlets } = await api(`/api/outlets?pageSize=200${q ? `&q=${encodeURIComponent(q)}` : ""}`);
    if (!outlets.length) {
      list.replaceChildren(h("p", {}, T.none));
      return;
    }
    const rows = outlets.map((o) => {
      const select = h(
        "select",
        { "aria-label": `${T.group} ${o.code}`, disabled: !isAdmin },
        h("option", { value: "" }, T.noGroup),
        groups.map((g) => h("option", { value: g.code, selected: g.code === o.groupCode }, groupName(g.code))),
      );
      select.addEventListener("change", async () => {
        try {
          await api(`/api/admin/outlets/${encodeURIComponent(o.code)}`, {
            method: "PATCH",
            body: JSON.stringify({ groupCode: select.value || null }),
          });
          toast(T.saved);
        } catch (err) {
          toast(err.message, "breach");
        }
      });
      return h(
        "tr",
        { "data-outlet": o.code },
        h("td", {}, o.code),
        h("td", {}, o.name),
        h("td", {}, o.regions.map((r) => r.name).join("、")),
        h("td", {}, select),
        h(
          "td",
          {},
          o.shipments
            .slice(0, 3)
            .map((s) => `${s.month}: ${s.shipments.toLocaleString(locale)}`)
            .join("；"),
        ),
      );
    });
    list.replaceChildren(h("p", {}, T.total(total)), table([T.code, T.name, T.regions, T.group, T.shipments], rows));
  }
  search.addEventListener("input", () => load().catch((err) => toast(err.message, "breach")));
  await load();
  return [h("h2", {}, T.importTitle), h("p", { class: "help" }, T.importHelp), form, result, search, list];
}
