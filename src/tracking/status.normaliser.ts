import { isShipmentStatus, type ShipmentStatus } from "./tracking.types.js";

/**
 * Kuaidi100-style numeric states (the aggregator's `state` field and many carrier pushes):
 * 0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签, 5 派件, 6 退回, 7 转投, 14 拒签, plus the
 * three-digit sub-states (101 已下单 … 501 投柜或驿站).
 */
const NUMERIC: Record<string, ShipmentStatus> = {
  "0": "in_transit",
  "1": "picked_up",
  "2": "exception",
  "3": "delivered",
  "4": "returned",
  "5": "out_for_delivery",
  "6": "returned",
  "7": "in_transit",
  "14": "exception",
  "101": "pending_pickup",
  "102": "pending_pickup",
  "103": "picked_up",
  "1001": "arrived_destination",
  "1002": "in_transit",
  "201": "exception",
  "202": "exception",
  "203": "exception",
  "204": "exception",
  "205": "at_locker",
  "206": "exception",
  "207": "exception",
  "208": "exception",
  "209": "exception",
  "301": "delivered",
  "302": "delivered",
  "303": "delivered",
  "304": "at_locker",
  "401": "returned",
  "501": "at_locker",
};

/** Words carriers use, checked in order: the first rule that matches wins (so 退回 beats 签收). */
const WORDS: [RegExp, ShipmentStatus][] = [
  [/退回|退件|返回寄件|退签|拒收.*退|return(ed)? to sender|returned/i, "returned"],
  [
    /问题件|疑难|异常|滞留|无法派送|无法联系|破损|拒收|拒签|exception|failed delivery|delivery failed|held/i,
    "exception",
  ],
  [/驿站|快递柜|丰巢|自提|代收点|菜鸟|待取件|取件码|locker|pick-?up point|parcel station/i, "at_locker"],
  [/签收|已妥投|妥投|已送达|delivered|signed/i, "delivered"],
  [/派送|派件|投递中|正在为您派|out for delivery|delivering/i, "out_for_delivery"],
  [/到达.*(目的|派件|末端)|目的地|arrived at destination|destination city/i, "arrived_destination"],
  [/揽收|揽件|收件|已收寄|picked up|collected/i, "picked_up"],
  [/待揽|已下单|等待揽|order (created|placed)|awaiting pickup|pending pickup/i, "pending_pickup"],
  [/运输|转运|中转|发往|到达|离开|发出|在途|transit|departed|arrived|sorting|hub/i, "in_transit"],
];

/** Aliases for our own codes sent with other spellings ("DELIVERED", "out-for-delivery"). */
function asCode(raw: string): ShipmentStatus | undefined {
  const code = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (isShipmentStatus(code)) return code;
  if (code === "signed") return "delivered";
  if (code === "transit") return "in_transit";
  return undefined;
}

/**
 * Maps a carrier's raw status (our code, a Kuaidi100 state number, or words in Chinese or
 * English) to one of the normalised statuses; falls back to the event description.
 * Returns undefined when neither says anything recognisable: the event is rejected rather
 * than guessed (the bot never invents a status).
 */
export function normaliseStatus(raw: string, description = ""): ShipmentStatus | undefined {
  const trimmed = raw.trim();
  const code = asCode(trimmed);
  if (code) return code;
  const numeric = NUMERIC[trimmed];
  if (numeric) return numeric;
  for (const text of [trimmed, description]) {
    if (!text) continue;
    for (const [re, status] of WORDS) if (re.test(text)) return status;
  }
  return undefined;
}
