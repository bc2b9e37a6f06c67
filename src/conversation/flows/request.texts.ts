/** Service request texts (issue 15), zh-CN (default) and English. Variables are {name}. */
import type { QuickReply } from "../../channel/channel.js";
import type { Locale } from "../texts.js";

const zh = {
  "ask.waybill": "请发送要办理的运单号（快递单号）。",
  "waybill.whereToFind":
    "没有单号也能找到：网购的包裹在购物平台订单详情的“查看物流”里；自己寄的在寄件短信或App“我的寄件”里，面单条码下方的数字就是运单号。找到后发给我即可；实在找不到，可以转人工由客服按手机号帮您查。",
  "ask.waybill.again": "没有识别到运单号，请核对后重新发送（一般为10–15位字母或数字）。",
  "address.noted": "已记下新地址：{address}。",
  "phone.noted": "已记下联系电话：{phone}。",
  "time.noted": "已记下时间：{time}。",
  "insured.noted": "已记下是否保价：{value}。",
  "detail.noted": "已补充到情况描述。",
  "intro.urge": "好的，我来帮您催件。",
  "intro.address_change": "好的，我来帮您修改收货地址。",
  "intro.pickup": "好的，我来帮您预约上门取件。",
  "intro.delivery_preference": "好的，我来帮您设置派送方式。",
  "intro.claim": "很抱歉给您带来损失，我来帮您申请理赔，需要确认几项信息。",
  "waybill.unknown": "没有查到运单 {waybill} 的物流信息，请核对单号后重新发送；刚寄出的快递可能稍后才有记录。",
  "urge.notMoving":
    "运单 {waybill} 当前状态为“{status}”，不在运输途中，无法催件。如包裹未收到，可回复“投诉”或“转人工”。",
  "address.tooLate":
    "运单 {waybill} 当前状态为“{status}”，已经派送或签收，无法在线修改地址。您可以联系派送员协商，或回复“转人工”由客服为您处理。",
  "preference.tooLate": "运单 {waybill} 当前状态为“{status}”，已无法设置派送方式。如有问题请回复“转人工”。",
  "ask.address.new": "请发送新的收货地址（需包含省、市、区和详细地址），以及收件人姓名和电话（如有变化）。",
  "ask.address.pickup": "请发送上门取件的地址（需包含省、市、区和详细地址）。",
  "address.noCity": "地址里没有找到省份和城市，请按“省 市 区 详细地址”发送，例如：广东省深圳市南山区科技园1栋101。",
  "address.tooShort": "地址不够详细，请补充区县、街道和门牌号，快递员才能找到。",
  "address.ambiguousCity":
    "{provinces} 都有叫 {city} 的城市，请在地址里补上省份（或区县），例如：…, {city}, {province1}。",
  "ask.slot": "请选择上门时间：",
  "ask.slot.again": "请从下面的时段中选择（今天/明天，上午9–12点/下午1–6点）：",
  "slot.past": "这个时段已经过去或来不及安排了，请选择一个之后的时段：",
  "slot.closed": "{date}是法定节假日，暂停上门取件，请选择其他时段：",
  "ask.item": "请问寄的是什么物品？",
  "item.prohibited": "很抱歉，“{item}”属于{kind}，依据《禁止寄递物品管理规定》不能寄递。请换一件物品，或回复“取消”。",
  "item.prohibitedKb": "很抱歉，“{item}”不能寄递，详见知识库“{title}”。请换一件物品，或回复“取消”。",
  "ask.weight": "大概多重？（例如：2公斤）",
  "weight.again": "请告诉我大概重量，例如“3公斤”或“500克”。",
  "weight.tooHeavy": "超过{max}公斤的物品需要走快运/大件服务，请回复“转人工”由客服为您安排。",
  "ask.phone": "请留下联系电话，方便快递员/客服与您联系。",
  "ask.phone.again": "没有识别到电话号码，请输入11位手机号码或带区号的固定电话。",
  "ask.preference": "请选择派送方式：",
  "ask.preference.again": "请从下面选择派送方式：",
  "ask.when": "希望改到什么时间派送？",
  "ask.consent":
    "根据《快递市场管理办法》，将快递放在{place}需要您的同意。您是否同意将运单 {waybill} 的包裹放在{place}？",
  "consent.declined": "好的，不会放在{place}，我们将为您送货上门。",
  "ask.claimKind": "请问是包裹丢失还是物品损坏？",
  "ask.amount": "请问物品的价值（申报金额）是多少元？",
  "amount.again": "请告诉我物品价值，例如“300元”。",
  "amount.notPositive": "申报金额需要大于0元，请重新输入。",
  "amount.tooLarge": "申报金额超过{max}元，需要人工核实，请回复“转人工”，或重新输入金额。",
  "ask.insured": "寄件时是否办理了保价？",
  "ask.insured.again": "请回复“是”或“否”。",
  "ask.description":
    "请简单描述一下情况（例如：外箱破损、里面的杯子碎了），您的原话会直接转给处理人员。照片请在客服接入后发送。",
  "ask.description.again": "请再多描述一点情况，方便我们处理。",
  "ask.edit": "请问要修改哪一项？",
  "summary.header": "请确认{type}信息：",
  "summary.footer": "确认无误请回复“确认提交”，需要修改请回复“修改”，回复“取消”可放弃。",
  "field.waybill": "运单号",
  "field.latest": "最新物流",
  "field.address": "地址",
  "field.slot": "上门时间",
  "field.item": "物品",
  "field.weight": "重量",
  "field.phone": "联系电话",
  "field.preference": "派送方式",
  "field.when": "派送时间",
  "field.consent": "同意放置",
  "field.claimKind": "理赔类型",
  "field.amount": "申报价值",
  "field.insured": "是否保价",
  "field.description": "情况描述",
  "value.yes": "是",
  "value.no": "否",
  "value.kg": "{kg}公斤",
  "value.yuan": "{amount}元",
  "value.LOSS": "丢失",
  "value.DAMAGE": "破损",
  "pref.home": "送货上门",
  "pref.station": "放驿站",
  "pref.station.named": "放{place}",
  "pref.locker": "放快递柜",
  "pref.reschedule": "改约时间",
  "place.station": "驿站",
  "place.locker": "快递柜",
  "slot.today.morning": "今天上午",
  "slot.today.afternoon": "今天下午",
  "slot.tomorrow.morning": "明天上午",
  "slot.tomorrow.afternoon": "明天下午",
  cancelled: "好的，已取消，您的信息没有提交。还有其他问题随时找我。",
  "opened.urge": "已为您催促派送网点，{promise}内给您回复。请求编号：{number}。最新物流：{latest}",
  "joined.urge": "该运单已在催促中（请求编号：{number}），我们已再次催促派送网点，{promise}内给您回复。",
  "opened.address_change":
    "已提交改地址申请，请求编号：{number}。我们将在{promise}内联系网点修改并把结果通知您；若包裹在修改前已派送，客服会与您联系。",
  "opened.pickup":
    "已为您预约上门取件，请求编号：{number}。快递员将在{slot}上门，上门前会电话联系您。如需取消，请回复“取消取件”。",
  "opened.delivery_preference":
    "已记录您的派送要求（{preference}），请求编号：{number}。我们将在{promise}内通知派送网点。",
  "opened.claim":
    "已受理您的理赔申请，请求编号：{number}。我们将在{ack}内确认受理，{proposal}内给出赔偿方案，您同意方案后{payment}内完成支付，每一步都会通知您。",
  "pickup.cancelled": "已为您取消上门取件预约（请求编号：{number}）。",
  "pickup.noneOpen": "您目前没有待上门的取件预约。",
  "notice.done": "您的{type}请求（编号 {number}）已办理完成。{resolution}",
  "notice.rejected": "很抱歉，您的{type}请求（编号 {number}）未能办理：{reason}。如有疑问请回复“转人工”。",
  "notice.converted": "您的{type}请求（编号 {number}）已转为投诉处理，客服将尽快与您联系。",
  "notice.proposed":
    "关于您的理赔（编号 {number}），我们的赔偿方案为{amount}元。{note}同意请回复“同意”，不同意请回复“不同意”；我们将在您同意后{payment}内完成支付。",
  "notice.declined": "已记录您不同意理赔（编号 {number}）的赔偿方案（{amount}元），处理人员会尽快与您联系。",
  "notice.agreed": "已确认您同意赔偿方案（{amount}元），我们将在{payment}内完成支付（{due}前）。",
  "notice.paid": "理赔（编号 {number}）赔偿款{amount}元已支付，请注意查收。",
} as const;

export type RequestTextKey = keyof typeof zh;

const en: Record<RequestTextKey, string> = {
  "ask.waybill": "Please send the waybill (tracking) number.",
  "waybill.whereToFind":
    "You can find it: for an online order, in the shopping app's order details under “view logistics”; for a parcel you sent, in the sending SMS or the app's “my shipments”, or under the barcode on the label. Send it to me when you have it; if you can't find it, an agent can look it up by your phone number.",
  "ask.waybill.again": "I couldn't find a waybill number in that. Please check and send it again.",
  "address.noted": "Noted the new address: {address}.",
  "phone.noted": "Noted your contact number: {phone}.",
  "time.noted": "Noted the time: {time}.",
  "insured.noted": "Noted whether it was insured: {value}.",
  "detail.noted": "Added to the description.",
  "intro.urge": "OK, I'll hurry the parcel for you.",
  "intro.address_change": "OK, I'll change the delivery address for you.",
  "intro.pickup": "OK, I'll book a pickup for you.",
  "intro.delivery_preference": "OK, I'll set how the parcel is delivered.",
  "intro.claim": "Sorry for your loss. I'll help you file a claim; I need a few details.",
  "waybill.unknown":
    "I found no tracking for waybill {waybill}. Please check the number; a parcel sent just now may show up a little later.",
  "urge.notMoving":
    "Waybill {waybill} is “{status}”, not on its way, so it cannot be hurried. If you did not get it, reply “complaint” or “agent”.",
  "address.tooLate":
    "Waybill {waybill} is “{status}”: it is already out for delivery or delivered, so the address cannot be changed online. Talk to the courier, or reply “agent” and we will help.",
  "preference.tooLate": "Waybill {waybill} is “{status}”; its delivery can no longer be set. Reply “agent” for help.",
  "ask.address.new":
    "Please send the new delivery address (province, city, district and street), and the recipient's name and phone if they change.",
  "ask.address.pickup": "Please send the pickup address (province, city, district and street).",
  "address.noCity":
    "I couldn't find a province and city in that address. Please write the street, district, city and province, e.g. Room 101, 1 Keji Road, Nanshan District, Shenzhen, Guangdong (or 广东省深圳市南山区科技园1栋101).",
  "address.ambiguousCity":
    "There is a {city} in {provinces}: please add the province (or the district) to the address, e.g. …, {city}, {province1}.",
  "address.tooShort":
    "That address is not detailed enough: please add the district, street and number so the courier can find it.",
  "ask.slot": "When should the courier come?",
  "ask.slot.again": "Please pick one of these slots (today/tomorrow, morning 9–12 / afternoon 1–6):",
  "slot.past": "That slot has passed or is too soon to arrange. Please pick a later one:",
  "slot.closed": "{date} is a public holiday with no pickups. Please pick another slot:",
  "ask.item": "What are you sending?",
  "item.prohibited":
    "Sorry, “{item}” counts as {kind}, which may not be sent (禁止寄递物品管理规定). Please name another item, or reply “cancel”.",
  "item.prohibitedKb":
    "Sorry, “{item}” may not be sent; see “{title}” in our help articles. Please name another item, or reply “cancel”.",
  "ask.weight": "Roughly how heavy is it? (e.g. 2 kg)",
  "weight.again": "Please tell me the rough weight, e.g. “3 kg” or “500 g”.",
  "weight.tooHeavy": "Items over {max} kg go by freight; reply “agent” and we will arrange it.",
  "ask.phone": "Please leave a phone number so the courier or an agent can contact you.",
  "ask.phone.again":
    "I couldn't find a phone number. Please enter an 11-digit mobile number or a landline with area code.",
  "ask.preference": "How should it be delivered?",
  "ask.preference.again": "Please choose one of these:",
  "ask.when": "When should it be delivered instead?",
  "ask.consent":
    "Under the Express Market Regulations a parcel may be left at a {place} only with your consent. Do you agree to have waybill {waybill} left at a {place}?",
  "consent.declined": "OK, it will not be left at a {place}; it will be delivered to your door.",
  "ask.claimKind": "Was the parcel lost, or were the contents damaged?",
  "ask.amount": "What is the value of the goods (in yuan)?",
  "amount.again": "Please tell me the value, e.g. “300 yuan”.",
  "amount.notPositive": "The value must be more than 0 yuan. Please enter it again.",
  "amount.tooLarge": "A value over {max} yuan needs a person to check it. Reply “agent”, or enter the amount again.",
  "ask.insured": "Was the parcel insured (保价) when sent?",
  "ask.insured.again": "Please reply “yes” or “no”.",
  "ask.description":
    "Please describe briefly what happened (e.g. the box was crushed and a cup broke); your words go to the person handling it. Send photos once an agent joins.",
  "ask.description.again": "Please tell us a little more so we can handle it.",
  "ask.edit": "Which item would you like to change?",
  "summary.header": "Please confirm your {type} request:",
  "summary.footer": "Reply “submit” if it is correct, “change” to edit, or “cancel” to drop it.",
  "field.waybill": "Waybill",
  "field.latest": "Latest tracking",
  "field.address": "Address",
  "field.slot": "Pickup time",
  "field.item": "Item",
  "field.weight": "Weight",
  "field.phone": "Phone",
  "field.preference": "Delivery",
  "field.when": "Delivery time",
  "field.consent": "Consent to leave it",
  "field.claimKind": "Claim for",
  "field.amount": "Declared value",
  "field.insured": "Insured",
  "field.description": "What happened",
  "value.yes": "yes",
  "value.no": "no",
  "value.kg": "{kg} kg",
  "value.yuan": "{amount} yuan",
  "value.LOSS": "loss",
  "value.DAMAGE": "damage",
  "pref.home": "To my door",
  "pref.station": "Parcel station",
  "pref.station.named": "Leave at the {place}",
  "pref.locker": "Parcel locker",
  "pref.reschedule": "Another time",
  "place.station": "parcel station",
  "place.locker": "parcel locker",
  "slot.today.morning": "Today morning",
  "slot.today.afternoon": "Today afternoon",
  "slot.tomorrow.morning": "Tomorrow morning",
  "slot.tomorrow.afternoon": "Tomorrow afternoon",
  cancelled: "OK, cancelled; nothing was submitted. Ask me any time.",
  "opened.urge":
    "We have asked the delivery station to hurry and will get back to you within {promise}. Request number: {number}. Latest tracking: {latest}",
  "joined.urge":
    "This parcel is already being hurried (request {number}); we have chased the station again and will get back to you within {promise}.",
  "opened.address_change":
    "Your address change is submitted. Request number: {number}. We will have the station change it and tell you the result within {promise}; if the parcel goes out before that, an agent will contact you.",
  "opened.pickup":
    "Your pickup is booked. Request number: {number}. The courier will come {slot} and call you first. To cancel, reply “cancel pickup”.",
  "opened.delivery_preference":
    "Your delivery choice ({preference}) is recorded. Request number: {number}. We will tell the delivery station within {promise}.",
  "opened.claim":
    "Your claim is received. Request number: {number}. We will acknowledge it within {ack}, propose compensation within {proposal}, and pay within {payment} of your agreement; you will be told at each step.",
  "pickup.cancelled": "Your pickup booking is cancelled (request {number}).",
  "pickup.noneOpen": "You have no pickup waiting to be collected.",
  "notice.done": "Your {type} request ({number}) is done. {resolution}",
  "notice.rejected":
    "Sorry, your {type} request ({number}) could not be done: {reason}. Reply “agent” if you have questions.",
  "notice.converted": "Your {type} request ({number}) is now handled as a complaint; an agent will contact you soon.",
  "notice.proposed":
    "For your claim ({number}) we propose compensation of {amount} yuan. {note}Reply “agree” to accept or “disagree” if you do not; we pay within {payment} of your agreement.",
  "notice.declined":
    "Noted: you do not accept the compensation of {amount} yuan for claim {number}. The agent handling it will contact you shortly.",
  "notice.agreed": "Your agreement to {amount} yuan is recorded; we will pay within {payment} (by {due}).",
  "notice.paid": "Claim {number}: {amount} yuan has been paid.",
};

const TABLES: Record<Locale, Record<RequestTextKey, string>> = { "zh-CN": zh, en };

export function rt(locale: Locale, key: RequestTextKey, vars?: Record<string, string | number>): string {
  const template = TABLES[locale][key] ?? zh[key];
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : template;
}

/** "取消取件" / "不寄了": the customer withdraws a booked pickup. */
export const CANCEL_PICKUP_RE = /(取消|撤销|不要).{0,4}(取件|预约|上门)|不寄了|cancel (the |my )?pickup/i;

/** The choices under a claim's proposed compensation (issue 15: answered in the chat). */
export function proposalReplies(locale: Locale): QuickReply[] {
  return locale === "en" ? [{ title: "agree" }, { title: "disagree" }] : [{ title: "同意" }, { title: "不同意" }];
}

/**
 * A whole message answering a proposal — 同意 / 不同意 / 接受 / agree / disagree — returns whether
 * it agrees; anything longer or different is undefined (a message that merely contains 同意 is not
 * taken as consent to an amount).
 */
export function proposalAnswer(text: string): boolean | undefined {
  const m = /^\s*(我?(不)?同意|我?(不)?接受|i?\s*(dis)?agree|i?\s*(don'?t |do not )?accept)\s*[。.!！]?\s*$/i.exec(
    text,
  );
  if (!m) return undefined;
  return !/不|dis|don|not/i.test(m[1] ?? "");
}
