import { FINAL_STATUSES, type TrackingResult } from "./tracking.types.js";

/** Normal delivery limits (GB/T 27917.2, see domain.md): operators may change them in config. */
export interface CareLimits {
  sameCityHours: number;
  interCityHours: number;
  /** No new event for this long on a moving parcel counts as stuck. */
  stuckHours: number;
}

export const DEFAULT_CARE_LIMITS: CareLimits = { sameCityHours: 24, interCityHours: 72, stuckHours: 48 };

export type ComplaintCategory = "DELAY" | "LOSS" | "DELIVERY_SERVICE";

export type Problem =
  | { kind: "delayed"; category: "DELAY"; overdueHours: number; limitHours: number }
  | { kind: "stuck"; category: "DELAY"; idleHours: number }
  | { kind: "exception"; category: "DELAY" }
  | { kind: "signed_not_received"; category: "LOSS" | "DELIVERY_SERVICE"; signedByOther: boolean }
  | { kind: "locker_not_received"; category: "DELIVERY_SERVICE" };

export interface CareAssessment {
  /** Expected delivery: a time, "today" when it is out for delivery, or none when it can't be estimated. */
  eta: Date | "today" | null;
  /** Worst problem first; its category is the complaint the bot offers. */
  problems: Problem[];
}

const HOUR = 3_600_000;
const CHINA_OFFSET = 8 * HOUR; // China has one time zone and no DST

const NOT_RECEIVED =
  /没(有)?(收到|拿到|见到|看到|取到)|未(收到|拿到|签收)|不是我签|不是本人签|没签收|没人(送|给)|找不到|冒签|被(别人|他人|人|谁)(签收|签了|代签|冒签|拿走|取走)|谁签(收)?的|someone else (signed|took)|signed (for )?by (someone|somebody) else|didn'?t (get|receive)|did not (get|receive)|not (received|got)|haven'?t (received|got)|have not (received|got)|never (got|received|arrived|came)|not delivered|missing/i;

/** Someone other than the receiver signed (001 第六条(五); 快递市场管理办法 Art. 28). */
const SIGNED_BY_OTHER = /代签|代收|门卫|前台|物业|家人|同事|快递柜|丰巢|驿站|菜鸟|自提|放在|门口/;

/** The customer says they do not have the parcel ("显示签收了但我没收到"). */
export function saysNotReceived(text: string): boolean {
  return NOT_RECEIVED.test(text);
}

function cityOf(place: string | null): string | null {
  if (!place) return null;
  const m = place.match(/^(.{2,}?)(市|地区|自治州|盟)/);
  return (m?.[1] ?? place).trim() || null;
}

/** Same city only when both ends are known and equal; otherwise the longer inter-city limit applies. */
export function limitHours(result: Pick<TrackingResult, "origin" | "destination">, limits: CareLimits): number {
  const from = cityOf(result.origin);
  const to = cityOf(result.destination);
  return from && to && from === to ? limits.sameCityHours : limits.interCityHours;
}

function chinaDay(d: Date): string {
  return new Date(d.getTime() + CHINA_OFFSET).toISOString().slice(0, 10);
}

/**
 * Proactive care: is the parcel late, stuck, in trouble, or signed while the customer says
 * they don't have it? Pure: the caller passes the clock.
 */
export function assess(
  result: TrackingResult,
  now: Date,
  limits: CareLimits = DEFAULT_CARE_LIMITS,
  customerText = "",
): CareAssessment {
  const problems: Problem[] = [];
  const final = FINAL_STATUSES.includes(result.status);
  const moving = !final && result.status !== "at_locker" && result.status !== "pending_pickup";
  const limit = limitHours(result, limits);
  const due = result.pickedUpAt ? new Date(result.pickedUpAt.getTime() + limit * HOUR) : null;

  if (moving && due && now > due) {
    problems.push({
      kind: "delayed",
      category: "DELAY",
      overdueHours: Math.floor((now.getTime() - due.getTime()) / HOUR),
      limitHours: limit,
    });
  }
  if (moving && result.lastEventAt) {
    const idle = (now.getTime() - result.lastEventAt.getTime()) / HOUR;
    if (idle >= limits.stuckHours) problems.push({ kind: "stuck", category: "DELAY", idleHours: Math.floor(idle) });
  }
  if (result.status === "exception") problems.push({ kind: "exception", category: "DELAY" });

  const notReceived = customerText !== "" && saysNotReceived(customerText);
  if (notReceived && result.status === "delivered") {
    const latest = result.events[0];
    const signedByOther = SIGNED_BY_OTHER.test(`${latest?.description ?? ""} ${latest?.location ?? ""}`);
    // Signed by a locker/neighbour without consent is a delivery-service violation; otherwise the parcel is missing.
    problems.unshift({
      kind: "signed_not_received",
      category: signedByOther ? "DELIVERY_SERVICE" : "LOSS",
      signedByOther,
    });
  }
  if (notReceived && result.status === "at_locker")
    problems.unshift({ kind: "locker_not_received", category: "DELIVERY_SERVICE" });

  let eta: CareAssessment["eta"] = null;
  if (result.status === "out_for_delivery") {
    eta = result.lastEventAt && chinaDay(result.lastEventAt) === chinaDay(now) ? "today" : null;
  } else if (moving && due && due > now && !problems.some((p) => p.kind === "stuck" || p.kind === "exception")) {
    // A stuck or problem parcel gets no promise the data can't back.
    eta = due;
  }
  return { eta, problems };
}
