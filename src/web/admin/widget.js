// Admin → 网页插件 (issue 18): the embeddable widget's brand colour, titles, side and the sites
// allowed to embed it, with the snippet to copy and a link to the demo page.
import { h, locale, toast } from "/static/shared/staff.js";

const I18N = {
  "zh-CN": {
    color: "品牌色",
    titleZh: "标题（中文）",
    titleEn: "标题（英文）",
    position: "位置",
    right: "右下角",
    left: "左下角",
    origins: "允许嵌入的网站（每行一个，如 https://www.example.com；留空表示任何网站）",
    save: "保存",
    saved: "已保存",
    snippet: "把这一行放进网站页面（data- 属性可覆盖上面的设置：data-lang、data-color、data-title、data-position）：",
    demo: "在演示页查看",
  },
  en: {
    color: "Brand colour",
    titleZh: "Title (Chinese)",
    titleEn: "Title (English)",
    position: "Position",
    right: "Bottom right",
    left: "Bottom left",
    origins: "Sites allowed to embed it (one per line, e.g. https://www.example.com; empty: any site)",
    save: "Save",
    saved: "Saved",
    snippet:
      "Put this line in the site's pages (data- attributes override the settings above: data-lang, data-color, data-title, data-position):",
    demo: "See it on the demo page",
  },
};

export async function widgetPanel({ api }) {
  const T = I18N[locale];
  const s = await api("/api/admin/widget");
  const form = h(
    "form",
    { id: "widget-form", class: "stack" },
    h("label", {}, T.color, h("input", { name: "color", type: "color", value: s.color })),
    h("label", {}, T.titleZh, h("input", { name: "titleZh", value: s.titleZh, maxlength: "40", required: true })),
    h("label", {}, T.titleEn, h("input", { name: "titleEn", value: s.titleEn, maxlength: "40", required: true })),
    h(
      "label",
      {},
      T.position,
      h(
        "select",
        { name: "position" },
        ["right", "left"].map((p) => h("option", { value: p, selected: p === s.position }, T[p])),
      ),
    ),
    h("label", {}, T.origins, h("textarea", { name: "embedOrigins", rows: "3" }, s.embedOrigins.join("\n"))),
    h("button", { type: "submit" }, T.save),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const body = {
      color: d.get("color"),
      titleZh: d.get("titleZh"),
      titleEn: d.get("titleEn"),
      position: d.get("position"),
      embedOrigins: String(d.get("embedOrigins")).split(/\s+/).filter(Boolean),
    };
    try {
      await api("/api/admin/widget", { method: "PUT", body: JSON.stringify(body) });
      toast(T.saved);
    } catch (err) {
      toast(err.message, "breach");
    }
  });
  const snippet = `<script src="${location.origin}/widget.js" data-lang="zh-CN" async></script>`;
  return [
    form,
    h("p", {}, T.snippet),
    h("pre", { id: "widget-snippet" }, snippet),
    h("p", {}, h("a", { href: "/widget-demo", target: "_blank", rel: "noopener" }, T.demo)),
  ];
}
