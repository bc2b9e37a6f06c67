/** Complaint intake and complaint progress texts, zh-CN (default) and English. Variables are {name}. */
import type { Locale } from "../texts.js";

const zh = {
  "ask.category": "请问您要投诉的是哪类问题？请选择：",
  "ask.category.again": "抱歉没有对上类别，请从下面选一个（或回复“取消”）：",
  "ask.waybill.required": "请发送相关的运单号（快递单号），方便我们查询处理。",
  "ask.waybill.optional": "如有相关运单号请发送；没有的话回复“没有单号”。",
  "waybill.skipped": "好的，这次先不填运单号。",
  "ask.waybill.again": "没有识别到运单号，请核对后重新发送（一般为10–15位字母或数字）。",
  "ask.waybill.needed": "这类问题需要运单号才能查询处理，请提供运单号；实在找不到可以回复“转人工”。",
  "ask.description": "请简单描述一下发生了什么，您的原话会直接转给处理人员。",
  "ask.description.again": "请再多描述一点情况，方便我们处理。",
  "ask.phone": "请留下联系电话，方便客服与您联系。",
  "ask.phone.again":
    "没有识别到电话号码，请输入11位手机号码或带区号的固定电话（回复“转人工”可直接找人工客服，回复“取消”可放弃）。",
  intro: "很抱歉给您带来不便，我来帮您登记投诉。",
  "intro.category": "很抱歉给您带来不便，我来帮您登记“{category}”投诉。",
  noted: "已把您补充的情况记入问题描述。",
  "waybill.noted": "已记下运单号 {waybill}。",
  "phone.noted": "已记下联系电话 {phone}。",
  "ask.edit": "请问要修改哪一项？",
  summary:
    "请确认投诉信息：\n类别：{category}\n运单号：{waybill}\n问题描述：{description}\n联系电话：{phone}\n确认无误请回复“确认提交”，需要修改请回复“修改”，回复“取消”可放弃。",
  "summary.hint": "请回复“确认提交”、“修改”或“取消”。",
  "none.waybill": "无",
  cancelled: "好的，已取消本次投诉，您的信息没有提交。还有其他问题随时找我。",
  opened:
    "已为您提交投诉，工单号：{number}。客服将在{firstResponse}内联系您，{resolution}内给出处理结果。您可随时发送“投诉进度”查询处理情况。",
  reopened:
    "您反映的问题与近期已处理的工单 {number} 相同，我们已重新打开该工单并加急处理。客服将在{firstResponse}内联系您，{resolution}内给出处理结果。",
  "quick.confirm": "确认提交",
  "quick.edit": "修改",
  "quick.cancel": "取消",
  "quick.noWaybill": "没有单号",
  "quick.human": "转人工",
  "field.category": "类别",
  "field.waybill": "运单号",
  "field.description": "问题描述",
  "field.phone": "联系电话",
  "progress.none":
    "您目前没有投诉或服务请求的记录。如需投诉，请回复“我要投诉”；催件、改地址、预约取件、理赔可以直接告诉我。",
  "progress.notFound": "没有找到工单 {number}，请核对工单号（格式如 202611-00042）。",
  "progress.line": "工单 {number}（{category}）：{status}，由{group}负责。{time}",
  "progress.header": "您最近的投诉：",
  "progress.chased": "已为您催促：工单 {number} 的处理人员已收到提醒，会尽快处理。{time}",
  "progress.chasedAgain": "已经提醒过处理人员了，工单 {number} 正在加紧处理。{time}",
  "progress.chasedClosed":
    "这张工单已经处理完毕。如果问题还没有解决，回复“我要投诉”说明情况（7天内会重新打开这张工单），或回复“转人工”；对处理结果不满意的，也可以拨打12305向邮政管理部门申诉。",
  "status.new": "已受理，等待客服处理",
  "status.open": "处理中",
  "status.pending_customer": "等待您补充信息",
  "status.resolved": "已处理完毕",
  "status.closed": "已结案",
  "time.left": "距承诺处理时限还有{left}。",
  "time.paused": "处理计时已暂停，等待您的回复。",
  "time.breached": "已超过承诺处理时限，我们已加急处理，非常抱歉。",
  "time.result": "处理结果：{resolution}",
  "time.done": "",
} as const;

export type ComplaintTextKey = keyof typeof zh;

const en: Record<ComplaintTextKey, string> = {
  "ask.category": "What is the complaint about? Please choose:",
  "ask.category.again": "Sorry, I couldn't match that to a type. Please pick one below (or reply “never mind”):",
  "ask.waybill.required": "Please send the waybill (tracking) number so we can look into it.",
  "ask.waybill.optional": "If there is a waybill number, please send it; otherwise reply “no waybill”.",
  "waybill.skipped": "OK, we'll go on without a waybill number.",
  "ask.waybill.again":
    "I couldn't find a waybill number in that. Please check and send it again (usually 10–15 letters or digits).",
  "ask.waybill.needed":
    "We need the waybill number to handle this kind of problem. Please send it, or reply “agent” if you can't find it.",
  "ask.description": "Please describe briefly what happened; your own words go straight to the person handling it.",
  "ask.description.again": "Please tell us a little more so we can handle it.",
  "ask.phone": "Please leave a phone number so an agent can contact you.",
  "ask.phone.again":
    "I couldn't find a phone number. Please enter an 11-digit mobile number or a landline with area code (reply “agent” to talk to a person, or “never mind” to drop it).",
  intro: "Sorry for the trouble. I'll register your complaint.",
  "intro.category": "Sorry for the trouble. I'll register your complaint ({category}).",
  noted: "I've added what you said to the description.",
  "waybill.noted": "Noted waybill {waybill}.",
  "phone.noted": "Noted your phone number {phone}.",
  "ask.edit": "Which item would you like to change?",
  summary:
    "Please confirm your complaint:\nType: {category}\nWaybill: {waybill}\nWhat happened: {description}\nPhone: {phone}\nReply “submit” if it is correct, “change” to edit, or “never mind” to drop it.",
  "summary.hint": "Please reply “submit”, “change” or “never mind”.",
  "none.waybill": "none",
  cancelled: "OK, the complaint is cancelled and nothing was submitted. Ask me any time.",
  opened:
    "Your complaint has been submitted. Ticket number: {number}. An agent will contact you within {firstResponse} and give you a result within {resolution}. Send “complaint progress” any time to check on it.",
  reopened:
    "This is the same problem as ticket {number}, resolved recently, so we have reopened it with priority. An agent will contact you within {firstResponse} and give you a result within {resolution}.",
  "quick.confirm": "Submit",
  "quick.edit": "Change",
  // Not "Cancel": on SMS that word alone unsubscribes the number (Twilio).
  "quick.cancel": "Never mind",
  "quick.noWaybill": "No waybill",
  "quick.human": "Talk to an agent",
  "field.category": "Type",
  "field.waybill": "Waybill",
  "field.description": "What happened",
  "field.phone": "Phone",
  "progress.none":
    "You have no complaints or service requests on record. To make a complaint, reply “complaint”; to hurry a parcel, change an address, book a pickup or claim, just tell me.",
  "progress.notFound": "I couldn't find ticket {number}. Please check the number (it looks like 202611-00042).",
  "progress.line": "Ticket {number} ({category}): {status}, handled by {group}. {time}",
  "progress.header": "Your recent complaints:",
  "progress.chased":
    "Done: the person handling ticket {number} has been reminded and will deal with it as soon as possible. {time}",
  "progress.chasedAgain": "The person handling ticket {number} has already been reminded and is on it. {time}",
  "progress.chasedClosed":
    "This ticket has been handled. If the problem is not solved, reply “complaint” and tell us what is wrong (within 7 days the same ticket is reopened), or “agent”; if you are not satisfied with the result, you can also appeal to the postal regulator on 12305.",
  "status.new": "received, waiting for an agent",
  "status.open": "being handled",
  "status.pending_customer": "waiting for information from you",
  "status.resolved": "resolved",
  "status.closed": "closed",
  "time.left": "{left} left until the promised resolution time.",
  "time.paused": "The clock is paused while we wait for your reply.",
  "time.breached": "It is past the promised time; we have escalated it. We apologise.",
  "time.result": "Result: {resolution}",
  "time.done": "",
};

export const COMPLAINT_TEXTS: Record<Locale, Record<ComplaintTextKey, string>> = { "zh-CN": zh, en };

export function ct(locale: Locale, key: ComplaintTextKey, vars?: Record<string, string | number>): string {
  const template = COMPLAINT_TEXTS[locale][key] ?? zh[key];
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : template;
}

/** Replies meaning "stop": the dialog is dropped and nothing is stored. */
export const CANCEL_RE = /^(算了|取消|不投诉了|不用了|不要了|放弃)|^(cancel|never ?mind|forget it|stop)\b/i;
/**
 * Replies meaning "yes, submit" under a summary, with the polite tail customers add ("好的谢谢",
 * "嗯嗯", "提交吧", "yes please"): before, only the bare word was understood and "好的谢谢" got
 * the summary again.
 */
export const CONFIRM_RE =
  /^(确认|确定|提交|确认提交|提交吧|是的?|是滴|对的?|好的?|好滴|好嘞|好吧|嗯+|恩+|行|行的|可以的?|没问题|没错|yes|yep|yeah|y|ok|okay|sure|confirm|submit|correct|go ahead)[\s,，。.!！~]*(谢谢|多谢|谢啦|麻烦了|麻烦你了|辛苦了|提交吧|please|thanks|thank you)?[\s!！。.~]*$/i;
export const EDIT_RE = /^(修改|更改|改一下|我要改|change|edit|modify)/i;
export const NO_WAYBILL_RE = /^(没有|无|没单号|没有单号|不知道|找不到|跳过|no|none|skip|no waybill|don'?t have)/i;
