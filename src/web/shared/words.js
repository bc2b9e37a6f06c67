// Issue 18: the admin pages' codes in words (roles, presence, SLA policies and calendars, audit
// actions and details), zh-CN first, English second. An unknown code shows as itself.
import { categoryLabel, intentLabel, locale } from "/static/shared/staff.js";

const W = {
  "zh-CN": {
    role: { agent: "坐席", supervisor: "主管", admin: "管理员" },
    presence: { online: "在线", away: "离开", offline: "离线" },
    priority: { normal: "普通", high: "高", urgent: "紧急" },
    kind: {
      first_response: "首次响应",
      resolution: "解决时限",
      regulatory: "7日法定时限",
      appeal_report: "12305 申诉报送",
      appeal_mediation: "12305 调解反馈",
      claim_ack: "理赔受理",
      claim_proposal: "理赔方案",
      claim_payment: "理赔支付",
    },
    calendar: { "24x7": "全天候（24×7）", business: "工作日 09:00–18:00" },
    policy: {
      first_response: "投诉·首次响应",
      resolution: "投诉·解决时限",
      resolution_complex: "投诉·解决时限（复杂）",
      resolution_urgent: "投诉·解决时限（紧急）",
      regulatory: "投诉·7日法定时限",
      appeal_report: "12305 申诉·10日内报送",
      appeal_mediation: "12305 调解·3个工作日内反馈",
    },
    complex: "复杂",
    actorType: { system: "系统", customer: "客户", api_key: "API 密钥", agent: "已删除的账号" },
    any: "全部",
    yes: "是",
    no: "否",
    action: {
      "agent.create": "新增账号",
      "agent.update": "修改账号",
      "agent.password_reset": "重置密码",
      login: "登录",
      logout: "退出登录",
      "login.failed": "登录失败",
      "login.refused": "登录被拒",
      "login.locked": "账号已锁定",
      "login.unknown_user": "未知用户名登录",
      "canned_reply.create": "新增快捷回复",
      "canned_reply.delete": "删除快捷回复",
      "canned_reply.used": "使用快捷回复",
      "outbox.retry": "重发消息",
      "sla.policy.put": "保存 SLA 策略",
      "sla.calendar.put": "保存工作日历",
      "holidays.replace": "导入节假日安排",
      "holidays.import_ics": "导入节假日 ICS",
      "holidays.delete": "删除节假日安排",
      "kb.article.create": "新增知识条目",
      "kb.article.update": "修改知识条目",
      "kb.article.delete": "删除知识条目",
      "kb.import": "导入知识库",
      "kb.unanswered.close": "关闭未答问题",
      "outlet.import": "导入网点",
      "outlet.update": "修改网点",
      "api_key.created": "新建 API 密钥",
      "api_key.revoked": "吊销 API 密钥",
      "api_key.refused": "API 密钥被拒",
      "webhook.created": "新建 Webhook",
      "webhook.updated": "修改 Webhook",
      "webhook.deleted": "删除 Webhook",
      "webhook.disabled": "Webhook 已停用",
      "webhook.replayed": "重放 Webhook",
      "widget.put": "保存网页插件设置",
      "request_routing.put": "保存服务请求分派",
      "customer.anonymise": "客户资料匿名化",
      "conversation.take": "接入会话",
      "conversation.release": "交回机器人",
      "conversation.transfer": "转交会话",
      "conversation.reply": "回复客户",
      "conversation.note": "内部备注",
      "conversation.label": "给会话加标签",
      "conversation.unlabel": "移除会话标签",
      "ticket.label": "给工单加标签",
      "ticket.unlabel": "移除工单标签",
      "label.create": "新建标签",
      "label.delete": "删除标签",
      "ticket.created": "新建工单",
      "ticket.place_corrected": "更正地区/环节",
      "ticket.taken": "接单",
      "ticket.reply": "回复客户",
      "ticket.note": "内部备注",
      "ticket.resolved": "解决工单",
      "ticket.reopened": "重新打开工单",
      "ticket.transferred": "转交工单",
      "ticket.closed": "关闭工单",
      "ticket.completed": "办结工单",
      "ticket.rejected": "驳回工单",
      "ticket.cancelled": "取消工单",
      "ticket.converted": "转为投诉",
      "ticket.proposed": "提出赔付方案",
      "ticket.agreed": "客户同意方案",
      "ticket.pending_customer": "等待客户",
    },
    key: {
      username: "用户名",
      displayName: "姓名",
      role: "角色",
      groups: "小组",
      group: "小组",
      groupCode: "小组",
      active: "启用",
      password: "密码",
      maxOpenTickets: "工单上限",
      title: "标题",
      number: "工单号",
      reason: "原因",
      name: "名称",
      targetMinutes: "时限（分钟）",
      calendarId: "日历",
      kind: "时钟",
      category: "类别",
      priority: "优先级",
      year: "年份",
      source: "来源",
      agent: "坐席",
      note: "备注",
      url: "网址",
      scopes: "权限",
      cannedReplyId: "快捷回复",
    },
    changed: "已更改",
    newPassword: "已生成新密码",
  },
  en: {
    role: { agent: "Agent", supervisor: "Supervisor", admin: "Administrator" },
    presence: { online: "Online", away: "Away", offline: "Offline" },
    priority: { normal: "Normal", high: "High", urgent: "Urgent" },
    kind: {
      first_response: "First response",
      resolution: "Resolution",
      regulatory: "7-day legal limit",
      appeal_report: "12305 appeal report",
      appeal_mediation: "12305 mediation answer",
      claim_ack: "Claim acknowledged",
      claim_proposal: "Claim proposal",
      claim_payment: "Claim payment",
    },
    calendar: { "24x7": "Around the clock (24×7)", business: "Working days 09:00–18:00" },
    policy: {
      first_response: "Complaint: first response",
      resolution: "Complaint: resolution",
      resolution_complex: "Complaint: resolution (complex)",
      resolution_urgent: "Complaint: resolution (urgent)",
      regulatory: "Complaint: 7-day legal limit",
      appeal_report: "12305 appeal: report within 10 days",
      appeal_mediation: "12305 mediation: answer in 3 working days",
    },
    complex: "complex",
    actorType: { system: "System", customer: "Customer", api_key: "API key", agent: "Deleted account" },
    any: "Any",
    yes: "yes",
    no: "no",
    action: {
      "agent.create": "Added an account",
      "agent.update": "Changed an account",
      "agent.password_reset": "Reset a password",
      login: "Logged in",
      logout: "Logged out",
      "login.failed": "Login failed",
      "login.refused": "Login refused",
      "login.locked": "Account locked",
      "login.unknown_user": "Login with an unknown username",
      "canned_reply.create": "Added a canned reply",
      "canned_reply.delete": "Deleted a canned reply",
      "canned_reply.used": "Used a canned reply",
      "outbox.retry": "Retried a message",
      "sla.policy.put": "Saved an SLA policy",
      "sla.calendar.put": "Saved a calendar",
      "holidays.replace": "Loaded a holiday schedule",
      "holidays.import_ics": "Imported holidays (ICS)",
      "holidays.delete": "Deleted a holiday schedule",
      "kb.article.create": "Added an article",
      "kb.article.update": "Changed an article",
      "kb.article.delete": "Deleted an article",
      "kb.import": "Imported the knowledge base",
      "kb.unanswered.close": "Closed an unanswered question",
      "outlet.import": "Imported outlets",
      "outlet.update": "Changed an outlet",
      "api_key.created": "Created an API key",
      "api_key.revoked": "Revoked an API key",
      "api_key.refused": "API key refused",
      "webhook.created": "Created a webhook",
      "webhook.updated": "Changed a webhook",
      "webhook.deleted": "Deleted a webhook",
      "webhook.disabled": "Webhook disabled",
      "webhook.replayed": "Replayed a webhook",
      "widget.put": "Saved the web widget",
      "request_routing.put": "Saved service request routing",
      "customer.anonymise": "Anonymised a customer",
      "conversation.take": "Took a conversation",
      "conversation.release": "Handed back to the bot",
      "conversation.transfer": "Transferred a conversation",
      "conversation.reply": "Replied to the customer",
      "conversation.note": "Internal note",
      "conversation.label": "Labelled a conversation",
      "conversation.unlabel": "Took a label off a conversation",
      "ticket.label": "Labelled a ticket",
      "ticket.unlabel": "Took a label off a ticket",
      "label.create": "Created a label",
      "label.delete": "Deleted a label",
      "ticket.created": "Opened a ticket",
      "ticket.place_corrected": "Corrected region/stage",
      "ticket.taken": "Took a ticket",
      "ticket.reply": "Replied to the customer",
      "ticket.note": "Internal note",
      "ticket.resolved": "Resolved a ticket",
      "ticket.reopened": "Reopened a ticket",
      "ticket.transferred": "Transferred a ticket",
      "ticket.closed": "Closed a ticket",
      "ticket.completed": "Completed a ticket",
      "ticket.rejected": "Rejected a ticket",
      "ticket.cancelled": "Cancelled a ticket",
      "ticket.converted": "Converted to a complaint",
      "ticket.proposed": "Proposed compensation",
      "ticket.agreed": "Customer agreed",
      "ticket.pending_customer": "Waiting for the customer",
    },
    key: {
      username: "Username",
      displayName: "Name",
      role: "Role",
      groups: "Groups",
      group: "Group",
      groupCode: "Group",
      active: "Active",
      password: "Password",
      maxOpenTickets: "Ticket cap",
      title: "Title",
      number: "Ticket",
      reason: "Reason",
      name: "Name",
      targetMinutes: "Target (minutes)",
      calendarId: "Calendar",
      kind: "Clock",
      category: "Category",
      priority: "Priority",
      year: "Year",
      source: "Source",
      agent: "Agent",
      note: "Note",
      url: "URL",
      scopes: "Scopes",
      cannedReplyId: "Canned reply",
    },
    changed: "changed",
    newPassword: "new password generated",
  },
};
const L = W[locale];

export const roleLabel = (r) => L.role[r] ?? r;
export const presenceLabel = (p) => L.presence[p] ?? p;
export const priorityLabel = (p) => (p ? (L.priority[p] ?? p) : L.any);
export const clockKindLabel = (k) => L.kind[k] ?? k;
export const calendarLabel = (id) => L.calendar[id] ?? id;
export const actionLabel = (a) => L.action[a] ?? a;
export const anyLabel = L.any;
/** A list in the page's language: "物流配送、售后服务" / "Logistics, After-sales". */
export const listJoin = (items) => items.join(locale === "en" ? ", " : "、");

/** A staff member as "小李（坐席）" / "Li (Agent)". */
export const staffWithRole = (name, role) =>
  locale === "en" ? `${name} (${roleLabel(role)})` : `${name}（${roleLabel(role)}）`;

/** Who did it: a staff member by name, else the system, a customer or an API key in words. */
export const actorLabel = (e) => (e.actor ? e.actor.displayName : (L.actorType[e.actorType] ?? e.actorType));

/**
 * An SLA policy by name in words: the default policies have their own; a service request's
 * "<type>_<clock>" reads as "催件·解决时限"; anything else is its clock in words and its code.
 */
export function policyLabel(p) {
  if (L.policy[p.name]) return L.policy[p.name];
  const type = p.ticketType && p.ticketType !== "complaint" ? intentLabel(p.ticketType) : intentLabel("complaint");
  if (p.name === `${p.ticketType}_${p.kind}`) return `${type}${locale === "en" ? ": " : "·"}${clockKindLabel(p.kind)}`;
  return `${type}${locale === "en" ? ": " : "·"}${clockKindLabel(p.kind)} (${p.name})`;
}

/**
 * An audit line's details as text: "角色：主管；小组：物流配送" — keys and known values in words,
 * lists joined, nested objects inline; `groupName` turns a group code into its name.
 */
export function auditDetails(data, groupName = (c) => c) {
  if (data === null || data === undefined) return "";
  if (typeof data !== "object") return String(data);
  const sep = locale === "en" ? "; " : "；";
  const colon = locale === "en" ? ": " : "：";
  const value = (k, v) => {
    if (v === null || v === undefined || v === "") return "—";
    if (typeof v === "boolean") return v ? L.yes : L.no;
    if (k === "password") return v === "[changed]" ? L.changed : v === "[generated]" ? L.newPassword : L.changed;
    if (k === "role") return roleLabel(v);
    if (k === "groups" || k === "group" || k === "groupCode")
      return Array.isArray(v) ? listJoin(v.map(groupName)) || "—" : groupName(v);
    if (k === "category") return categoryLabel(v);
    if (k === "priority") return priorityLabel(v);
    if (k === "kind") return clockKindLabel(v);
    if (k === "calendarId") return calendarLabel(v);
    if (Array.isArray(v))
      return listJoin(v.map((x) => (typeof x === "object" ? auditDetails(x, groupName) : String(x))));
    if (typeof v === "object") return `（${auditDetails(v, groupName)}）`;
    return String(v);
  };
  // Ids stay out of the text (the cell's title has the raw data).
  return Object.entries(data)
    .filter(([k, v]) => v !== undefined && !/Id$/.test(k))
    .map(([k, v]) => `${L.key[k] ?? k}${colon}${value(k, v)}`)
    .join(sep);
}
