/**
 * The stage (环节) of the parcel's journey a problem lies in (issue 23; 002 monitoring points
 * 揽收、分拣、运输、派送), read from the tracking status when the ticket is opened, and where it lies.
 */
import type { ShipmentStatus } from "../tracking/tracking.types.js";
import { locate, locateEvent, type Place } from "./divisions.js";

export const STAGES = ["pickup", "transit", "delivery", "after_delivery"] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, { zh: string; en: string }> = {
  pickup: { zh: "揽收", en: "Pickup" },
  transit: { zh: "分拣转运", en: "Sorting & transit" },
  delivery: { zh: "派送", en: "Delivery" },
  after_delivery: { zh: "签收后", en: "After delivery" },
};

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

/**
 * Status → stage: not yet or just picked up → 揽收; moving between centres or arrived in the
 * destination city → 分拣转运; with the courier or in a locker/驿站 → 派送; delivered or returned
 * → 签收后. An exception has no stage of its own: the status before it decides (null when none).
 */
const STAGE_OF: Record<Exclude<ShipmentStatus, "exception">, Stage> = {
  pending_pickup: "pickup",
  picked_up: "pickup",
  in_transit: "transit",
  arrived_destination: "transit",
  out_for_delivery: "delivery",
  at_locker: "delivery",
  delivered: "after_delivery",
  returned: "after_delivery",
};

export interface TrackingSnapshot {
  status: ShipmentStatus;
  origin: string | null;
  destination: string | null;
  /** Newest first, as the tracking store returns them. */
  events: readonly { status: ShipmentStatus; location: string | null; description: string }[];
}

export function stageOf(t: Pick<TrackingSnapshot, "status" | "events">): Stage | null {
  if (t.status !== "exception") return STAGE_OF[t.status];
  const before = t.events.find((e) => e.status !== "exception");
  return before && before.status !== "exception" ? STAGE_OF[before.status] : null;
}

/**
 * Where and at which stage the problem of a parcel lies: the stage from its status; the place from
 * its latest event that names one (the transfer centre it is stuck at, the station delivering it),
 * else the end of the journey the stage points to (origin for 揽收, destination after), else the other.
 */
export function attribute(t: TrackingSnapshot): { place: Place | null; stage: Stage | null } {
  const stage = stageOf(t);
  let place: Place | null = null;
  for (const e of t.events) {
    place = locateEvent(e);
    if (place) break;
  }
  const [first, second] = stage === "pickup" ? [t.origin, t.destination] : [t.destination, t.origin];
  place ??= locate(first) ?? locate(second);
  return { place, stage };
}
