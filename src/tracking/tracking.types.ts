/** Normalised shipment statuses (the Shipment.status codes in prisma/schema.prisma). */
export const SHIPMENT_STATUSES = [
  "pending_pickup",
  "picked_up",
  "in_transit",
  "arrived_destination",
  "out_for_delivery",
  "delivered",
  "at_locker",
  "exception",
  "returned",
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export function isShipmentStatus(value: string): value is ShipmentStatus {
  return (SHIPMENT_STATUSES as readonly string[]).includes(value);
}

/** Statuses after which the parcel no longer moves on its own (no delay or "stuck" warnings). */
export const FINAL_STATUSES: readonly ShipmentStatus[] = ["delivered", "returned"];

/**
 * Progress order, used to break ties between events carrying the same timestamp
 * (carriers often stamp "arrived" and "out for delivery" with the same minute).
 */
export const STATUS_RANK: Record<ShipmentStatus, number> = {
  pending_pickup: 0,
  picked_up: 1,
  in_transit: 2,
  arrived_destination: 3,
  exception: 4,
  out_for_delivery: 5,
  at_locker: 6,
  returned: 7,
  delivered: 8,
};

export interface TrackingEventView {
  time: Date;
  status: ShipmentStatus;
  location: string | null;
  description: string;
}

/** What a TrackingProvider returns for one shipment. Events are newest first. */
export interface TrackingResult {
  waybill: string;
  carrier: string;
  status: ShipmentStatus;
  origin: string | null;
  destination: string | null;
  pickedUpAt: Date | null;
  lastEventAt: Date | null;
  deliveredAt: Date | null;
  events: TrackingEventView[];
  /** Where the answer came from; `store` after a failed live lookup means it may be stale. */
  source: "store" | "aggregator";
}
