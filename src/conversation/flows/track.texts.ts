import type { ShipmentStatus } from "../../tracking/tracking.types.js";
import type { Locale } from "../texts.js";

/** The tracking flow's replies, zh-CN (default) and English. Variables are written {name}. */
const zh = {
  ask: "请发送您的运单号（快递单号），我马上为您查询。",
  askWithRecent: "请发送您的运单号（快递单号），我马上为您查询。也可以点“我最近的快递”，查看与您手机号关联的包裹。",
  askCarrier: "单号 {waybill} 在多家快递公司都有记录，请问是哪一家的？",
  summary: "{carrier} {waybill}\n当前状态：{status}{place}",
  place: "（{place}）",
  eventsHeader: "最近物流：",
  eventLine: "· {time} {text}",
  eta: "预计送达：{time}前",
  etaToday: "预计今天送达",
  delivered: "已于 {time} 签收。",
  degraded: "（实时查询暂时不可用，以下是我们最近记录的信息，可能有延迟。）",
  degradedNotFound:
    "抱歉，物流实时查询暂时不可用，我们的记录里也还没有单号 {waybill} 的信息。请稍后再试，或转人工为您查询。",
  notFound:
    "抱歉，没有查到运单号 {waybill} 的物流信息。请核对单号：{format}{length}。如果单号无误，可能是快递刚下单还没有揽收，请稍后再查；也可以转人工为您核实。",
  notFoundLength: "（您发送的单号是{length}位）",
  genericFormat: "常见的如顺丰为SF加13位数字，中通为以7开头的14位数字，圆通为YT加13位数字",
  "care.delayed":
    "这个包裹已超过正常时限（{limit}小时）约{hours}小时仍未送达，给您带来不便非常抱歉。需要的话我可以帮您登记延误投诉，我们会尽快催促处理。",
  "care.stuck": "这个包裹已经{hours}小时没有新的物流信息了，可能在中转环节滞留。需要的话我可以帮您登记投诉并催查。",
  "care.exception": "这个包裹目前是问题件，需要人工跟进。我可以帮您登记投诉，或为您转人工。",
  "care.signedLoss":
    "系统显示已于 {time} 签收，但您说没有收到。请先确认家人、门卫或代收点是否代收；如果确实没有收到，我可以帮您登记丢失投诉，核查签收情况。",
  "care.signedOther":
    "系统显示已于 {time} 由他人或代收点签收，但您说没有收到。未经您同意代签、放快递柜或驿站是不允许的，我可以帮您登记投递服务投诉。",
  "care.locker": "包裹目前在驿站/快递柜待取{place}。如果放驿站或快递柜没有经过您的同意，我可以帮您登记投递服务投诉。",
  multiHeader: "您发送了{count}个单号，查询结果如下：",
  multiLine: "{n}. {carrier} {waybill}：{status}{last}{flag}",
  multiLast: "，{time} {text}",
  multiFlag: " ⚠{problem}",
  multiNotFound: "{n}. {waybill}：未查到，请核对单号",
  multiAmbiguous: "{n}. {waybill}：多家快递公司都有记录，请单独发送这个单号查询",
  multiTrouble: "标⚠的包裹需要关注，单独发送单号可查看详情或登记投诉。",
  multiRest: "另有{count}个单号这次没有查询（一次最多查{limit}个）：{list}\n请另发一条消息查询，或点“查询其余单号”。",
  "tag.delayed": "已超时效约{hours}小时",
  "tag.stuck": "{hours}小时无新物流",
  "tag.exception": "问题件，需人工跟进",
  "tag.signedNotReceived": "显示已签收",
  "tag.locker": "在驿站/快递柜待取",
  "quick.rest": "查询其余单号（{count}个）",
  recentHeader: "与您手机号关联的最近包裹：",
  recentLine: "· {carrier} {waybill}：{status}{time}",
  recentNone: "没有找到与您手机号关联的包裹，请直接发送运单号。",
  recentNoPhone:
    "在这里我还不知道您的手机号；为保护隐私，也不能仅凭输入的手机号查看包裹。请发送运单号：网购的包裹在购物平台订单详情的“查看物流”里，自己寄的在寄件短信或App“我的寄件”里，面单条码下方的数字也是运单号。",
  noWaybill:
    "没有单号也能找到：网购的包裹在购物平台订单详情的“查看物流”里能看到快递公司和运单号；自己寄的在寄件短信或App“我的寄件”里，面单条码下方的数字也是运单号。找到后直接发给我即可。",
  "quick.recent": "我最近的快递",
  "quick.complain": "我要投诉",
  "quick.human": "转人工",
  "quick.another": "查其他快递",
} as const;

export type TrackTextKey = keyof typeof zh;

const en: Record<TrackTextKey, string> = {
  ask: "Please send your waybill (tracking) number and I'll look it up right away.",
  askWithRecent:
    'Please send your waybill (tracking) number and I\'ll look it up right away. Or tap "My recent parcels" to see the parcels linked to your phone number.',
  askCarrier: "Waybill {waybill} is on file with more than one carrier. Which one is it?",
  summary: "{carrier} {waybill}\nStatus: {status}{place}",
  place: " ({place})",
  eventsHeader: "Latest updates:",
  eventLine: "· {time} {text}",
  eta: "Expected delivery: by {time}",
  etaToday: "Expected delivery: today",
  delivered: "Signed for at {time}.",
  degraded:
    "(Live tracking is unavailable right now; this is the latest information we have on record and may be delayed.)",
  degradedNotFound:
    "Sorry, live tracking is unavailable right now and we have no record of waybill {waybill} yet. Please try again later, or talk to an agent.",
  notFound:
    "Sorry, I couldn't find any tracking information for waybill {waybill}. Please check the number: {format}{length}. If it is correct, the parcel may not have been picked up yet; please try again later, or talk to an agent.",
  notFoundLength: " (you sent {length} characters)",
  genericFormat: 'e.g. SF Express is "SF" + 13 digits, ZTO is 14 digits starting with 7, YTO is "YT" + 13 digits',
  "care.delayed":
    "This parcel is about {hours} hours past the normal delivery limit ({limit} hours). We're sorry for the inconvenience. I can register a delay complaint so it gets chased up.",
  "care.stuck":
    "There has been no tracking update for {hours} hours; the parcel may be held up in transit. I can register a complaint and have it traced.",
  "care.exception":
    "This parcel has been flagged with a problem and needs a person to follow up. I can register a complaint, or put you through to an agent.",
  "care.signedLoss":
    "It shows as signed for at {time}, but you say you don't have it. Please check with family, reception or a pickup point first; if it really hasn't reached you, I can register a lost-parcel complaint and have the signature checked.",
  "care.signedOther":
    "It shows as signed for at {time} by someone else or a pickup point, but you say you don't have it. Signing on your behalf or leaving it in a locker or station without your consent is not allowed; I can register a delivery-service complaint.",
  "care.locker":
    "The parcel is waiting for collection at a parcel station or locker{place}. If it was left there without your consent, I can register a delivery-service complaint.",
  multiHeader: "You sent {count} waybills. Here is what I found:",
  multiLine: "{n}. {carrier} {waybill}: {status}{last}{flag}",
  multiLast: ", {time} {text}",
  multiFlag: " ⚠ {problem}",
  multiNotFound: "{n}. {waybill}: not found, please check the number",
  multiAmbiguous: "{n}. {waybill}: on file with more than one carrier, please send this number on its own",
  multiTrouble: "Parcels marked ⚠ need attention: send the number on its own for details or to register a complaint.",
  multiRest:
    'I did not look up {count} more (at most {limit} per message): {list}\nSend them in another message, or tap "Track the rest".',
  "tag.delayed": "about {hours} h past the delivery limit",
  "tag.stuck": "no update for {hours} h",
  "tag.exception": "problem parcel, needs an agent",
  "tag.signedNotReceived": "shows as signed for",
  "tag.locker": "waiting at a station / locker",
  "quick.rest": "Track the rest ({count})",
  recentHeader: "Recent parcels linked to your phone number:",
  recentLine: "· {carrier} {waybill}: {status}{time}",
  recentNone: "I found no parcels linked to your phone number. Please send the waybill number.",
  recentNoPhone:
    'I don\'t know your phone number here, and to protect privacy parcels can\'t be shown for a phone number typed in. Please send the waybill number: for online orders it is under "view logistics" in the order on the shopping platform; for parcels you sent, in the text after sending or "My shipments" in the app; it is also the digits under the label\'s barcode.',
  noWaybill:
    'No waybill number? For online orders, open the order on the shopping platform and tap "view logistics" for the carrier and number; for parcels you sent, see the text after sending or "My shipments" in the app, or the digits under the label\'s barcode. Send it to me when you have it.',

  "quick.recent": "My recent parcels",
  "quick.complain": "Make a complaint",
  "quick.human": "Talk to an agent",
  "quick.another": "Track another parcel",
};

export const TRACK_TEXTS: Record<Locale, Record<TrackTextKey, string>> = { "zh-CN": zh, en };

export function tt(locale: Locale, key: TrackTextKey, vars?: Record<string, string | number>): string {
  const template = TRACK_TEXTS[locale][key];
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : template;
}

export const STATUS_LABELS: Record<ShipmentStatus, { zh: string; en: string }> = {
  pending_pickup: { zh: "待揽收", en: "Awaiting pickup" },
  picked_up: { zh: "已揽收", en: "Picked up" },
  in_transit: { zh: "运输中", en: "In transit" },
  arrived_destination: { zh: "已到达目的地城市", en: "Arrived in destination city" },
  out_for_delivery: { zh: "派送中", en: "Out for delivery" },
  delivered: { zh: "已签收", en: "Delivered (signed for)" },
  at_locker: { zh: "已到驿站/快递柜，待取件", en: "At a parcel station / locker, ready to collect" },
  exception: { zh: "问题件", en: "Exception (problem parcel)" },
  returned: { zh: "已退回", en: "Returned to sender" },
};

export function statusLabel(locale: Locale, status: ShipmentStatus): string {
  return locale === "en" ? STATUS_LABELS[status].en : STATUS_LABELS[status].zh;
}

/** "05-03 14:20" in China time, whatever the server's time zone (China has no DST). */
export function formatTime(d: Date): string {
  const local = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return `${local.slice(5, 10)} ${local.slice(11, 16)}`;
}
