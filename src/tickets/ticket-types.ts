/**
 * Ticket types (issue 15): complaints and the service requests customers most often want
 * done — 催件, 改地址/改派, 预约取件, 派送偏好, 理赔 (domain.md "Service requests and claims").
 * They share one queue, one state machine, one clock system and one number sequence; what
 * differs per type is data: the routing group (request-routing.ts), the promise in the SLA policies.
 */
import type { GroupCode } from "./ticket-rules.js";

export const REQUEST_TYPES = ["urge", "address_change", "pickup", "delivery_preference", "claim"] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const TICKET_TYPES = ["complaint", ...REQUEST_TYPES] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export function isRequestType(value: string): value is RequestType {
  return (REQUEST_TYPES as readonly string[]).includes(value);
}

/** Request outcomes: done or rejected by an agent, cancelled by the customer (a converted request is a complaint). */
export const REQUEST_OUTCOMES = ["done", "rejected", "cancelled"] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/**
 * The ticket category a request is filed under: it keeps the existing category column
 * meaningful (a claim is about loss or damage) without counting requests as complaints
 * (reports filter on type = 'complaint').
 */
export const REQUEST_CATEGORY: Record<RequestType, string> = {
  urge: "DELAY",
  address_change: "DELIVERY_SERVICE",
  pickup: "PICKUP_SERVICE",
  delivery_preference: "DELIVERY_SERVICE",
  claim: "LOSS",
};

/**
 * Default routing (003 §6.1.3 处理小组): the parcel's journey is 物流配送's; money is 售后服务's.
 * Admins override it per type (request-routing.ts, /api/admin/request-routing).
 */
export const REQUEST_GROUP: Record<RequestType, GroupCode> = {
  urge: "logistics",
  address_change: "logistics",
  pickup: "logistics",
  delivery_preference: "logistics",
  claim: "after_sales",
};

export const TYPE_LABELS: Record<TicketType, { zh: string; en: string }> = {
  complaint: { zh: "投诉", en: "Complaint" },
  urge: { zh: "催件", en: "Hurry a parcel" },
  address_change: { zh: "改地址", en: "Address change" },
  pickup: { zh: "预约取件", en: "Pickup booking" },
  delivery_preference: { zh: "派送偏好", en: "Delivery preference" },
  claim: { zh: "理赔", en: "Claim" },
};

/** A second 催件 for the same waybill within this window joins the first (issue 15). */
export const URGE_JOIN_MS = 24 * 3_600_000;

export function typeLabel(locale: string, type: string): string {
  const l = TYPE_LABELS[type as TicketType];
  return l ? (locale === "en" ? l.en : l.zh) : type;
}

/**
 * Which request actions fit which ticket (pure; the state machine has already checked the
 * status): request actions only on requests, the claim steps only on claims and in order
 * (propose → agree → complete with the paid amount).
 */
export function requestStep(
  t: { type: string; proposedAmount: unknown },
  body: { action: string; paidAmount?: number | undefined },
): { refuse?: string } {
  const requestOnly = ["complete", "reject", "convert", "cancel", "propose", "agree"];
  if (!requestOnly.includes(body.action)) return {};
  if (t.type === "complaint")
    return { refuse: "complaints are resolved, not completed; this is not a service request" };
  if ((body.action === "propose" || body.action === "agree") && t.type !== "claim")
    return { refuse: `only a claim has a compensation proposal (this is ${t.type})` };
  if (body.action === "agree" && t.proposedAmount === null)
    return { refuse: "propose an amount before recording agreement" };
  if (body.action === "complete" && t.type === "claim" && body.paidAmount === undefined)
    return { refuse: "a claim is completed with the amount paid (paidAmount)" };
  return {};
}
