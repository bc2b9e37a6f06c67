/**
 * What every intake dialog shares (complaints and service requests): the summary's quick
 * replies, the phone answer, and when a message leaves the dialog for another request.
 */
import { ACTION_THRESHOLD, type NluResult } from "../../../intents/index.js";
import type { QuickReply } from "../../channel/channel.js";
import type { Locale } from "../texts.js";
import { ct } from "./complaint.texts.js";

const PHONE_RE = /^(?:\+?86)?(1[3-9]\d{9})$|^(0\d{2,3}-?\d{7,8})$/;

/** A mobile or landline number as typed ("138 1234 5678", "(010) 1234-5678"). */
export function normalisePhone(value: string): string | undefined {
  const m = PHONE_RE.exec(value.replace(/[\s()]/g, ""));
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The phone in an answer: the extracted entity, or the whole answer as a number. */
export function phoneIn(parsed: NluResult, answer: string): string | undefined {
  return parsed.entities.find((e) => e.type === "phone")?.value ?? normalisePhone(answer);
}

/** 确认提交 / 修改 / 取消 under a summary. */
export function summaryReplies(locale: Locale): QuickReply[] {
  return [
    { title: ct(locale, "quick.confirm") },
    { title: ct(locale, "quick.edit") },
    { title: ct(locale, "quick.cancel") },
  ];
}

/**
 * A confident different request (an agent, a progress question, a tracking query while no
 * waybill is asked for) leaves the dialog; free-text steps keep everything the customer says.
 */
export function leavesIntake(parsed: NluResult, opts: { freeText: boolean; askingWaybill: boolean }): boolean {
  if (opts.freeText || parsed.intent.confidence < ACTION_THRESHOLD) return false;
  const other = parsed.intent.name;
  return other === "human" || other === "complaint_progress" || (other === "track" && !opts.askingWaybill);
}

/** Replies that only acknowledge: after 取消 they ask for nothing more. */
const NOTHING_MORE = new Set(["none", "thanks", "greeting"]);

/**
 * "算了，转人工吧" / "不用了，我要投诉": the dialog is dropped AND something else is asked for — a
 * confident intent other than the dialog's own in the words after the cancel word. The caller
 * says it is cancelled, then lets the router handle the message (before: only "已取消", and the
 * customer had to ask again).
 */
export function cancelsFor(parsed: NluResult, answer: string, cancelWord: RegExp, own: readonly string[]): boolean {
  const rest = answer.replace(cancelWord, "").replace(/^[\s，,。.！!、吧啊]+/, "");
  if ([...rest].length < 2 || parsed.intent.confidence < ACTION_THRESHOLD) return false;
  return !NOTHING_MORE.has(parsed.intent.name) && !own.includes(parsed.intent.name);
}

/** At a summary: a confident request for a person, a progress question or a complaint leaves it. */
export function leavesSummary(parsed: NluResult): boolean {
  return (
    parsed.intent.confidence >= ACTION_THRESHOLD &&
    ["human", "complaint_progress", "complaint"].includes(parsed.intent.name)
  );
}
