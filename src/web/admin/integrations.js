// /admin 集成 (issue 21): webhook subscriptions (GET/POST/PUT/DELETE /api/admin/webhooks: list,
// create, edit, enable/disable, delete, a test delivery, the delivery log with replay) and API keys
// for systems (/api/admin/api-keys: create — the key is shown this once —, scopes, expiry, revoke).
// Admin only, as the API checks; every change is in the audit log.

import { h, locale, toast } from "/static/shared/staff.js";

const TEXTS = {
  "zh-CN": {
    webhooksHelp:
      "订阅事件后，系统把事件签名后 POST 到目标地址（x-kd-signature = HMAC-SHA256(密钥, 时间戳.正文)），失败按退避重试。密钥只在创建时显示一次。",
    url: "目标地址",
    events: "事件",
    description: "说明",
    secret: "密钥（留空自动生成，至少16位）",
    create: "创建订阅",
    created: "已创建",
    secretOnce: "请立即保存签名密钥，此后不再显示：",
    enabled: "启用",
    disabled: "已停用",
    on: "启用中",
    enable: "启用",
    disable: "停用",
    edit: "编辑",
    save: "保存",
    cancel: "取消",
    test: "测试投递",
    testResult: "测试投递：{status}",
    deliveries: "投递记录",
    replay: "重新投递",
    replayed: "已加入重新投递",
    delete: "删除",
    confirmDelete: "删除此订阅及其投递记录？",
    status: "状态",
    event: "事件",
    attempts: "尝试次数",
    httpStatus: "HTTP 状态",
    latency: "耗时（毫秒）",
    lastError: "最后错误",
    at: "时间",
    secretHint: "密钥尾号",
    deliveryStatus: { pending: "待投递", delivered: "已送达", dead: "已放弃" },
    eventNames: {
      "ticket.created": "工单创建",
      "ticket.assigned": "工单分配",
      "ticket.status_changed": "工单状态变更",
      "ticket.resolved": "工单解决",
      "ticket.reopened": "工单重开",
      "sla.warning": "SLA 预警",
      "sla.breached": "SLA 超时",
      "survey.answered": "满意度回复",
      "conversation.handed_off": "转人工",
      "integration.outcome": "外部投诉处理结果",
      "request.created": "服务请求已受理",
      "request.completed": "服务请求已完成",
      "suggestion.received": "收到建议",
      "webhook.test": "测试",
    },
    keysHelp:
      "其他系统（订单系统、CRM、BI、12305 对接）用 Authorization: Bearer <密钥> 调用接口，只能访问所选权限范围的接口，每次使用都记入审计日志。",
    name: "名称",
    scopes: "权限范围",
    expiresAt: "到期时间（可选）",
    createKey: "创建密钥",
    keyOnce: "请立即复制并保存此密钥，关闭后不再显示：",
    hint: "前缀",
    lastUsed: "最近使用",
    state: "状态",
    active: "有效",
    expired: "已过期",
    revoked: "已撤销",
    never: "从未",
    noExpiry: "不过期",
    revoke: "撤销",
    confirmRevoke: "撤销此密钥？使用它的系统将立即无法访问。",
    scopeNames: {
      "tickets:read": "读取工单",
      "tickets:write": "创建工单（含外部投诉转入）",
      "reports:read": "读取报表",
      "tracking:write": "推送物流轨迹",
    },
    pickEvents: "请至少选择一个事件",
    pickScopes: "请至少选择一个权限范围",
  },
  en: {
    webhooksHelp:
      "Subscribed events are POSTed to the target, signed (x-kd-signature = HMAC-SHA256(secret, timestamp.body)), and retried with backoff on failure. The secret is shown once, at creation.",
    url: "Target URL",
    events: "Events",
    description: "Description",
    secret: "Secret (generated when empty, at least 16 characters)",
    create: "Create subscription",
    created: "Created",
    secretOnce: "Save the signing secret now, it will not be shown again:",
    enabled: "Enabled",
    disabled: "Disabled",
    on: "On",
    enable: "Enable",
    disable: "Disable",
    edit: "Edit",
    save: "Save",
    cancel: "Cancel",
    test: "Test delivery",
    testResult: "Test delivery: {status}",
    deliveries: "Deliveries",
    replay: "Replay",
    replayed: "Queued again",
    delete: "Delete",
    confirmDelete: "Delete this subscription and its delivery log?",
    status: "Status",
    event: "Event",
    attempts: "Attempts",
    httpStatus: "HTTP status",
    latency: "Latency (ms)",
    lastError: "Last error",
    at: "At",
    secretHint: "Secret ends",
    deliveryStatus: { pending: "pending", delivered: "delivered", dead: "dead" },
    eventNames: {
      "ticket.created": "Ticket created",
      "ticket.assigned": "Ticket assigned",
      "ticket.status_changed": "Ticket status changed",
      "ticket.resolved": "Ticket resolved",
      "ticket.reopened": "Ticket reopened",
      "sla.warning": "SLA warning",
      "sla.breached": "SLA breached",
      "survey.answered": "Survey answered",
      "conversation.handed_off": "Handed off to a person",
      "integration.outcome": "Outcome of a handed-over complaint",
      "request.created": "Service request received",
      "request.completed": "Service request completed",
      "suggestion.received": "Suggestion received",
      "webhook.test": "Test",
    },
    keysHelp:
      "Other systems (order system, CRM, BI, the 12305 link) call the API with Authorization: Bearer <key>, only on the routes of the chosen scopes; every use is in the audit log.",
    name: "Name",
    scopes: "Scopes",
    expiresAt: "Expires (optional)",
    createKey: "Create key",
    keyOnce: "Copy and keep this key now, it will not be shown again:",
    hint: "Prefix",
    lastUsed: "Last used",
    state: "State",
    active: "active",
    expired: "expired",
    revoked: "revoked",
    never: "never",
    noExpiry: "no expiry",
    revoke: "Revoke",
    confirmRevoke: "Revoke this key? Systems using it lose access at once.",
    scopeNames: {
      "tickets:read": "Read tickets",
      "tickets:write": "Open tickets (incl. complaints handed over)",
      "reports:read": "Read reports",
      "tracking:write": "Push tracking events",
    },
    pickEvents: "Pick at least one event",
    pickScopes: "Pick at least one scope",
  },
};
const W = TEXTS[locale] ?? TEXTS["zh-CN"];
const fmt = (iso) => (iso ? new Date(iso).toLocaleString(locale) : "");
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => String(vars[k] ?? m));
const eventName = (e) => W.eventNames[e] ?? e;

/** Checkboxes named `name`, one per value, labelled; checked where `chosen` has the value. */
function checks(name, values, label, chosen = []) {
  return h(
    "fieldset",
    { class: "checks", "data-field": name },
    values.map((v) =>
      h(
        "label",
        {},
        h("input", { type: "checkbox", name, value: v, checked: chosen.includes(v) }),
        ` ${label(v)} `,
        h("code", {}, v),
      ),
    ),
  );
}
const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);

/** A box with a secret shown once, selectable for copying. */
const once = (id, text, value) =>
  h("div", { class: "card once", id, role: "status" }, h("p", {}, text), h("pre", { class: "secret" }, value));

/** The webhook subscriptions panel. */
export async function webhooksPanel({ api, table, refresh }) {
  const { items, events } = await api("/api/admin/webhooks");
  const notice = h("div", { id: "webhook-notice" });
  const log = h("div", { id: "webhook-deliveries" });
  const run = (fn) => async (e) => {
    e?.preventDefault?.();
    try {
      await fn();
    } catch (err) {
      toast(err.message, "breach");
    }
  };

  const form = h(
    "form",
    { class: "inline", id: "webhook-form" },
    h("label", {}, W.url, h("input", { name: "url", type: "url", required: true, size: "40" })),
    h("label", {}, W.description, h("input", { name: "description", maxlength: "500" })),
    h("label", {}, W.secret, h("input", { name: "secret", minlength: "16", maxlength: "200" })),
    h("div", { style: "flex-basis:100%" }, W.events, checks("events", events, eventName)),
    h("button", { type: "submit" }, W.create),
  );
  form.addEventListener(
    "submit",
    run(async () => {
      const f = Object.fromEntries(new FormData(form));
      const chosen = checked(form, "events");
      if (!chosen.length) return toast(W.pickEvents, "warn");
      const created = await api("/api/admin/webhooks", {
        method: "POST",
        body: JSON.stringify({
          url: f.url,
          events: chosen,
          ...(f.description ? { description: f.description } : {}),
          ...(f.secret ? { secret: f.secret } : {}),
        }),
      });
      await refresh();
      // After the refresh: the new panel shows the secret once.
      document.getElementById("webhook-notice")?.replaceChildren(once("webhook-secret", W.secretOnce, created.secret));
    }),
  );

  const showDeliveries = async (sub) => {
    const { items: rows } = await api(`/api/admin/webhooks/${sub.id}/deliveries?limit=100`);
    log.replaceChildren(
      h("h3", {}, `${W.deliveries} · ${sub.url}`),
      table(
        [W.at, W.event, W.status, W.attempts, W.httpStatus, W.latency, W.lastError, ""],
        rows.map((d) =>
          h(
            "tr",
            { "data-delivery": d.id, "data-status": d.status },
            h("td", {}, fmt(d.createdAt)),
            h("td", { title: d.eventId }, eventName(d.event)),
            h("td", { class: "delivery-status" }, W.deliveryStatus[d.status] ?? d.status),
            h("td", {}, String(d.attempts)),
            h("td", {}, d.lastStatus === null ? "" : String(d.lastStatus)),
            h("td", {}, d.latencyMs === null ? "" : String(d.latencyMs)),
            h("td", {}, d.lastError ?? ""),
            h(
              "td",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "secondary replay",
                  onclick: run(async () => {
                    await api(`/api/admin/webhooks/${sub.id}/deliveries/${d.id}/replay`, { method: "POST" });
                    toast(W.replayed);
                    await showDeliveries(sub);
                  }),
                },
                W.replay,
              ),
            ),
          ),
        ),
      ),
    );
  };

  const editRow = (sub, row) => {
    const edit = h(
      "form",
      { class: "inline webhook-edit" },
      h("label", {}, W.url, h("input", { name: "url", type: "url", required: true, value: sub.url, size: "40" })),
      h("label", {}, W.description, h("input", { name: "description", value: sub.description, maxlength: "500" })),
      h("div", { style: "flex-basis:100%" }, checks("events", events, eventName, sub.events)),
      h("button", { type: "submit" }, W.save),
      h("button", { type: "button", class: "secondary", onclick: () => refresh() }, W.cancel),
    );
    edit.addEventListener(
      "submit",
      run(async () => {
        const f = Object.fromEntries(new FormData(edit));
        const chosen = checked(edit, "events");
        if (!chosen.length) return toast(W.pickEvents, "warn");
        await api(`/api/admin/webhooks/${sub.id}`, {
          method: "PUT",
          body: JSON.stringify({ url: f.url, description: f.description ?? "", events: chosen }),
        });
        await refresh();
      }),
    );
    row.replaceChildren(h("td", { colspan: "5" }, edit));
  };

  const rows = items.map((sub) => {
    const row = h(
      "tr",
      { "data-webhook": sub.id, "data-enabled": String(sub.enabled) },
      h("td", {}, h("code", {}, sub.url), sub.description ? h("div", { class: "muted" }, sub.description) : ""),
      h("td", {}, sub.events.map(eventName).join("、")),
      h(
        "td",
        { class: "webhook-state" },
        sub.enabled ? W.on : W.disabled,
        sub.disabledReason ? h("div", { class: "error" }, sub.disabledReason) : "",
      ),
      h("td", {}, sub.secretHint),
      h(
        "td",
        { class: "actions" },
        h("button", { type: "button", class: "secondary edit", onclick: () => editRow(sub, row) }, W.edit),
        h(
          "button",
          {
            type: "button",
            class: "secondary toggle",
            onclick: run(async () => {
              await api(`/api/admin/webhooks/${sub.id}`, {
                method: "PUT",
                body: JSON.stringify({ enabled: !sub.enabled }),
              });
              await refresh();
            }),
          },
          sub.enabled ? W.disable : W.enable,
        ),
        h(
          "button",
          {
            type: "button",
            class: "secondary test",
            onclick: run(async () => {
              const d = await api(`/api/admin/webhooks/${sub.id}/test`, { method: "POST" });
              const status = d.lastStatus
                ? `HTTP ${d.lastStatus}${d.latencyMs === null ? "" : ` · ${d.latencyMs} ms`}`
                : (d.lastError ?? W.deliveryStatus[d.status] ?? d.status);
              toast(fill(W.testResult, { status }), d.status === "delivered" ? "" : "warn");
              await showDeliveries(sub);
            }),
          },
          W.test,
        ),
        h("button", { type: "button", class: "secondary log", onclick: run(() => showDeliveries(sub)) }, W.deliveries),
        h(
          "button",
          {
            type: "button",
            class: "secondary delete",
            onclick: run(async () => {
              if (!confirm(W.confirmDelete)) return;
              await api(`/api/admin/webhooks/${sub.id}`, { method: "DELETE" });
              await refresh();
            }),
          },
          W.delete,
        ),
      ),
    );
    return row;
  });

  return [
    h("p", { class: "muted" }, W.webhooksHelp),
    notice,
    form,
    h("div", { id: "webhook-list" }, table([W.url, W.events, W.status, W.secretHint, ""], rows)),
    log,
  ];
}

/** The API keys panel. */
export async function apiKeysPanel({ api, table, refresh }) {
  const { items, scopes } = await api("/api/admin/api-keys");
  const run = (fn) => async (e) => {
    e?.preventDefault?.();
    try {
      await fn();
    } catch (err) {
      toast(err.message, "breach");
    }
  };
  const form = h(
    "form",
    { class: "inline", id: "api-key-form" },
    h("label", {}, W.name, h("input", { name: "name", required: true, maxlength: "100" })),
    h("label", {}, W.expiresAt, h("input", { name: "expiresAt", type: "datetime-local" })),
    h(
      "div",
      { style: "flex-basis:100%" },
      W.scopes,
      checks("scopes", scopes, (s) => W.scopeNames[s] ?? s),
    ),
    h("button", { type: "submit" }, W.createKey),
  );
  form.addEventListener(
    "submit",
    run(async () => {
      const f = Object.fromEntries(new FormData(form));
      const chosen = checked(form, "scopes");
      if (!chosen.length) return toast(W.pickScopes, "warn");
      const created = await api("/api/admin/api-keys", {
        method: "POST",
        body: JSON.stringify({
          name: f.name,
          scopes: chosen,
          // datetime-local is the admin's local time; the API takes an instant.
          ...(f.expiresAt ? { expiresAt: new Date(f.expiresAt).toISOString() } : {}),
        }),
      });
      await refresh();
      document.getElementById("api-key-notice")?.replaceChildren(once("api-key-once", W.keyOnce, created.key));
    }),
  );
  const now = Date.now();
  const stateOf = (k) =>
    k.revokedAt ? "revoked" : k.expiresAt && Date.parse(k.expiresAt) <= now ? "expired" : "active";
  const rows = items.map((k) =>
    h(
      "tr",
      { "data-key": k.id, "data-state": stateOf(k) },
      h("td", {}, k.name),
      h("td", {}, h("code", {}, k.hint)),
      h("td", {}, k.scopes.map((s) => W.scopeNames[s] ?? s).join("、")),
      h("td", {}, k.expiresAt ? fmt(k.expiresAt) : W.noExpiry),
      h("td", {}, k.lastUsedAt ? fmt(k.lastUsedAt) : W.never),
      h("td", { class: "key-state" }, W[stateOf(k)]),
      h(
        "td",
        {},
        k.revokedAt
          ? ""
          : h(
              "button",
              {
                type: "button",
                class: "secondary revoke",
                onclick: run(async () => {
                  if (!confirm(W.confirmRevoke)) return;
                  await api(`/api/admin/api-keys/${k.id}`, { method: "DELETE" });
                  await refresh();
                }),
              },
              W.revoke,
            ),
      ),
    ),
  );
  return [
    h("p", { class: "muted" }, W.keysHelp),
    h("div", { id: "api-key-notice" }),
    form,
    table([W.name, W.hint, W.scopes, W.expiresAt, W.lastUsed, W.state, ""], rows),
  ];
}
