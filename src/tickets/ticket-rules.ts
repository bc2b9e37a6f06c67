/**
 * Routing and priority rules for new tickets (pure). Groups per domain.md (003 §6.1.3
 * 处理小组); 法务 takes anything that raises a legal question (003 §3.1.3).
 */
import { maxPriority, type Priority } from "./ticket-state.js";

export const GROUPS = [
  { code: "logistics", nameZh: "物流配送", nameEn: "Logistics & delivery" },
  { code: "after_sales", nameZh: "售后服务", nameEn: "After-sales service" },
  { code: "product_quality", nameZh: "产品质量", nameEn: "Product quality" },
  { code: "legal", nameZh: "法务", nameEn: "Legal" },
] as const;
export type GroupCode = (typeof GROUPS)[number]["code"];
export const GROUP_CODES = GROUPS.map((g) => g.code) as [GroupCode, ...GroupCode[]];

const CATEGORY_GROUP: Record<string, GroupCode> = {
  DELAY: "logistics",
  LOSS: "logistics",
  DAMAGE: "logistics",
  DELIVERY_SERVICE: "logistics",
  PICKUP_SERVICE: "logistics",
  TRACKING_INFO: "logistics",
  COD: "logistics",
  AFTER_SALES: "after_sales",
  IMPROPER_CHARGE: "after_sales",
  STAFF_ATTITUDE: "after_sales",
  // Anything else lands with the general after-sales desk, which re-routes if needed.
  OTHER: "after_sales",
};

export function groupForCategory(category: string): GroupCode {
  return CATEGORY_GROUP[category] ?? "after_sales";
}

/** Categories where a waybill is needed to act; others (a rude counter clerk) may have none. */
const WAYBILL_REQUIRED = new Set(["DELAY", "LOSS", "DAMAGE", "DELIVERY_SERVICE", "TRACKING_INFO", "COD"]);
export function waybillRequired(category: string): boolean {
  return WAYBILL_REQUIRED.has(category);
}

/** Threats to escalate outside the company: the regulator (12305, 邮政局), media, lawyers, courts. */
const LEGAL_THREAT =
  /12305|邮政局|邮政管理局|消协|消费者协会|工商|12315|媒体|记者|曝光|电视台|报社|律师|起诉|法院|诉讼|报警|lawyer|attorney|sue\b|lawsuit|\bcourt\b|journalist|media|regulator/i;

export function threatensEscalation(text: string): boolean {
  return LEGAL_THREAT.test(text);
}

export interface PriorityThresholds {
  /** A LOSS/DAMAGE claim above this (yuan) is high priority. */
  highAmount: number;
  /** A claim above this (yuan) is urgent and goes to 法务 (003 §3.1.3). */
  legalAmount: number;
  /** Window for "repeat complaint" and for reopening a resolved ticket. */
  repeatDays: number;
}

export const DEFAULT_THRESHOLDS: PriorityThresholds = { highAmount: 500, legalAmount: 5000, repeatDays: 7 };

export interface TriageInput {
  category: string;
  description: string;
  claimedAmount?: number | null | undefined;
  /** Other complaints by this customer within `repeatDays`. */
  recentComplaints: number;
  requestedPriority?: Priority | undefined;
  /** The group a service request type routes to (src/tickets/ticket-types.ts); else by category. */
  groupCode?: GroupCode | undefined;
}

export interface Triage {
  priority: Priority;
  groupCode: GroupCode;
  /** Why the priority or group differs from the default (shown in the ticket history). */
  reasons: string[];
}

/** Priority and routing group of a new complaint. */
export function triage(input: TriageInput, t: PriorityThresholds = DEFAULT_THRESHOLDS): Triage {
  let priority: Priority = input.requestedPriority ?? "normal";
  let groupCode: GroupCode = input.groupCode ?? groupForCategory(input.category);
  const reasons: string[] = [];
  const amount = input.claimedAmount ?? 0;
  if (amount > t.legalAmount) {
    priority = "urgent";
    groupCode = "legal";
    reasons.push(`claimed_amount_over_${t.legalAmount}`);
  } else if (amount > t.highAmount && (input.category === "LOSS" || input.category === "DAMAGE")) {
    priority = maxPriority(priority, "high");
    reasons.push(`claimed_amount_over_${t.highAmount}`);
  }
  if (input.recentComplaints > 0) {
    priority = maxPriority(priority, "high");
    reasons.push(`repeat_within_${t.repeatDays}_days`);
  }
  if (threatensEscalation(input.description)) {
    priority = "urgent";
    groupCode = "legal";
    reasons.push("escalation_threat");
  }
  return { priority, groupCode, reasons };
}
