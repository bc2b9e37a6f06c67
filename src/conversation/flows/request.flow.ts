import type { TurnContext } from "botbuilder";
import type { NluResult } from "../../../intents/index.js";
import type { QuickReply } from "../../channel/channel.js";
import { formatDuration } from "../../sla/duration.js";
import type { HolidayTable } from "../../sla/holidays.js";
import {
  canChangeAddress,
  canSetPreference,
  canUrge,
  checkClaimAmount,
  MAX_PICKUP_KG,
  maskAddress,
  type Preference,
  parseAddress,
  parseClaimKind,
  parsePreference,
  parseSlot,
  parseWeight,
  parseYesNo,
  prohibitedByArticle,
  prohibitedItem,
  SLOT_DAYS,
  SLOT_PARTS,
  type Slot,
  slotWindow,
} from "../../tickets/request-rules.js";
import type { TicketDetail, TicketService } from "../../tickets/ticket.service.js";
import { REQUEST_CATEGORY, type RequestType, typeLabel } from "../../tickets/ticket-types.js";
import type { TrackingService } from "../../tracking/tracking.service.js";
import type { ShipmentStatus } from "../../tracking/tracking.types.js";
import { reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { type Locale, t } from "../texts.js";
import { turnInfo } from "../turn-state.js";
import { isSubstantive, MAX_DESCRIPTION_CHARS, SUGGESTION_TTL_MS } from "./complaint.flow.js";
import { CANCEL_RE, CONFIRM_RE, EDIT_RE, NO_WAYBILL_RE } from "./complaint.texts.js";
import { cancelsFor, leavesIntake, leavesSummary, normalisePhone, phoneIn, summaryReplies } from "./intake.js";
import { CANCEL_PICKUP_RE, proposalAnswer, type RequestTextKey, rt } from "./request.texts.js";
import { recentWaybill, waybillAttempt, waybillUnknown } from "./track.flow.js";
import { statusLabel } from "./track.texts.js";

export interface RequestFlowDeps {
  tickets: Pick<TicketService, "openFromBot" | "cancelPickup" | "answerProposal">;
  tracking: Pick<TrackingService, "lookup">;
  customerPhone(customerId: string): Promise<string | null>;
  /** A claim's declared value above this (yuan) is refused in the chat (CLAIM_MAX_AMOUNT). */
  claimMaxAmount: number;
  /** Extra closed days for pickups (ISO dates), besides China's public holidays. */
  closedDays?: () => Promise<readonly string[]>;
  /** China's public holidays as loaded (HolidayService.table); chinese-days' years without it. */
  holidays?: () => HolidayTable;
  /**
   * The knowledge base's articles in force (KnowledgeService.current): those tagged
   * `禁寄:<item>` extend the statutory prohibited-items list for pickups.
   */
  articles?: () => Iterable<{ title: string; titleEn: string | null; tags: readonly string[] }>;
  now?: () => Date;
}

type Field =
  | "waybill"
  | "address"
  | "slot"
  | "item"
  | "weight"
  | "phone"
  | "preference"
  | "when"
  | "consent"
  | "claimKind"
  | "amount"
  | "insured"
  | "description";

/** The request being collected; lives in DialogState (the BotState table), never in memory. */
export interface RequestDraft {
  type: RequestType;
  waybill?: string;
  /** The parcel's status and latest event when the waybill was checked. */
  tracking?: { status: ShipmentStatus; latest: string };
  address?: string;
  slot?: Slot & { date: string; start: string; end: string };
  item?: string;
  weightKg?: number;
  phone?: string;
  preference?: Preference;
  /** The place the customer named for a "station" preference (门卫, 物业, 前台…), said back to them. */
  placeWord?: string;
  when?: Slot & { date: string };
  consent?: { given: true; at: string };
  claimKind?: "LOSS" | "DAMAGE";
  amount?: number;
  insured?: boolean;
  description?: string;
  editing?: boolean;
}

/** The questions of each request type, in the order they are asked (only the missing ones). */
const FIELDS: Record<RequestType, Field[]> = {
  urge: ["waybill"],
  address_change: ["waybill", "address"],
  pickup: ["address", "slot", "item", "weight", "phone"],
  delivery_preference: ["waybill", "preference", "when", "consent"],
  claim: ["waybill", "claimKind", "amount", "insured", "description", "phone"],
};

const FLOW = "request";

function needed(d: RequestDraft, f: Field): boolean {
  if (f === "when") return d.preference === "reschedule";
  if (f === "consent") return d.preference === "station" || d.preference === "locker";
  return true;
}

function has(d: RequestDraft, f: Field): boolean {
  switch (f) {
    case "weight":
      return d.weightKg !== undefined;
    default:
      return d[f] !== undefined;
  }
}

export function nextField(d: RequestDraft): Field | "confirm" {
  return FIELDS[d.type].find((f) => needed(d, f) && !has(d, f)) ?? "confirm";
}

/** 门卫, 物业, 前台… named for a "station" preference: the consent and the summary use the customer's word. */
const NAMED_PLACE = /门卫|物业|前台|代收点|保安室|传达室|reception|front desk/i;

function takePreference(d: RequestDraft, pref: Preference, text: string): void {
  d.preference = pref;
  const named = pref === "station" ? NAMED_PLACE.exec(text)?.[0] : undefined;
  if (named) d.placeWord = named.toLowerCase();
  else delete d.placeWord;
}

/** "放驿站", or "放门卫" when the customer named the place (before: "能不能放门卫" was confirmed as 放驿站). */
function preferenceLabel(d: RequestDraft, locale: Locale): string {
  if (!d.preference) return "";
  if (d.preference === "station" && d.placeWord) return rt(locale, "pref.station.named", { place: d.placeWord });
  return rt(locale, `pref.${d.preference}`);
}

/** The part of a message from its first province/city mention on ("改到 北京市朝阳区…" → "北京市朝阳区…"). */
export function addressIn(text: string): string | undefined {
  if (/^[\x20-\x7e]+$/.test(text)) return englishAddressIn(text);
  const m = /[\u4e00-\u9fff]{2,}(省|市|自治区)/.exec(text);
  if (!m) return undefined;
  const candidate = withoutVerb(text.slice(m.index));
  return "error" in parseAddress(candidate) ? undefined : candidate;
}

/**
 * "I need a pickup tomorrow morning from No. 8 Jianguo Road, Chaoyang District, Beijing": the
 * address after "from / at / to", without a trailing "tomorrow morning".
 */
function englishAddressIn(text: string): string | undefined {
  for (const m of text.matchAll(/\b(?:from|at|to|address(?: is)?:?)\s+/gi)) {
    const candidate = text
      .slice((m.index ?? 0) + m[0].length)
      .replace(/[,.\s]*\b(?:(?:today|tomorrow)(?:\s+(?:morning|afternoon))?|please)[.!\s]*$/i, "")
      .trim();
    if (/^(?:no\.?\s*)?\d|^(?:room|flat|building|unit)\b/i.test(candidate) && !("error" in parseAddress(candidate)))
      return candidate;
  }
  return undefined;
}

/**
 * "改到杭州市…", "麻烦改成：…", "地址是北京市…", "住在…": the words before the place are not part
 * of the address ("地址是北京市朝阳区…" was stored with its 地址是).
 */
function withoutVerb(text: string): string {
  return (
    text
      .trim()
      // The phone said with the address ("…88号，电话13812345678") is noted as the contact number,
      // not kept inside the address (the ticket showed it there).
      .replace(
        /[，,;；\s]*(?:(?:联系)?(?:电话|手机|手机号|号码|tel|phone)[:：]?\s*)?(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)[，,。;；\s]*/gi,
        " ",
      )
      .trim()
      .replace(/^(?:请|帮我|麻烦|地址)*(?:改到|改成|改为|送到|送去|寄到|换到|换成)[:：]?/, "")
      .replace(/^(?:我的|我家|新的?|收货|收件|取件|寄件|上门)*(?:地址|住址)(?:是|为|在)?[:：]?|^(?:我)?(?:住在|在)/, "")
      .trim()
  );
}

/** The answer is nothing but a waybill number. */
function isOnlyWaybill(parsed: NluResult, answer: string): boolean {
  return parsed.entities.some((e) => e.type === "waybill" && e.value === answer.replace(/\s/g, ""));
}

type Outcome = { ok: true } | { ok: false; key: RequestTextKey; vars?: Record<string, string | number>; end?: boolean };

/**
 * 催件, 改地址/改派, 预约取件, 派送偏好, 理赔 (issue 15): one dialog engine in the style of the
 * complaint intake — asks only what is missing, one question at a time with quick replies,
 * 取消/修改, a summary to confirm — then opens the request (a ticket of its type, idempotent per
 * inbound message) and answers with its number and the promise of its type in plain words.
 */
export class RequestFlow implements Flow {
  readonly name = FLOW;
  readonly intents = ["urge", "address_change", "pickup", "delivery_preference", "claim"] as const;
  private readonly now: () => Date;

  constructor(private readonly deps: RequestFlowDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * 同意 / 不同意 while a claim's proposed compensation waits for the customer (issue 15): recorded
   * as the customer's answer, whatever intent the words would otherwise get.
   */
  async claim(context: TurnContext, _parsed: NluResult, text: string): Promise<boolean> {
    const agree = proposalAnswer(text);
    if (agree === undefined) return false;
    const info = turnInfo(context);
    const answered = await this.deps.tickets.answerProposal(info.customerId, info.conversationId, agree);
    if (!answered) return false;
    info.state.flow = undefined;
    await context.sendActivity(reply(answered.text));
    return true;
  }

  async start(context: TurnContext, parsed: NluResult, text: string): Promise<void> {
    const info = turnInfo(context);
    const type = parsed.intent.name as RequestType;
    if (type === "pickup" && CANCEL_PICKUP_RE.test(text)) return this.cancelPickup(context);
    const d: RequestDraft = { type };
    const suggested = info.state.suggestedComplaint;
    const fresh =
      suggested && this.now().getTime() - Date.parse(suggested.at) < SUGGESTION_TTL_MS ? suggested : undefined;
    // The parcel named in the message, else the one the bot offered a complaint about, else the one
    // shown in the last half hour: the summary shows it and 修改 changes it.
    const waybill =
      parsed.entities.find((e) => e.type === "waybill")?.value ??
      (type === "claim" ? fresh?.waybill : undefined) ??
      recentWaybill(info.state, this.now());
    info.state.flow = { name: FLOW, step: "waybill", data: { ...d } };
    if (waybill && FIELDS[type].includes("waybill")) {
      const res = await this.checkWaybill(d, waybill);
      if (!res.ok) return this.refuse(context, res);
    }
    // Whatever else the first message already says.
    const address = addressIn(text);
    if (address && FIELDS[type].includes("address")) d.address = address;
    const slot = parseSlot(text);
    if (slot.day && slot.part && type === "pickup") await this.takeSlot(d, slot as Slot);
    const pref = parsePreference(text);
    if (pref && type === "delivery_preference") takePreference(d, pref, text);
    if (type === "claim") {
      const kind =
        parseClaimKind(text) ??
        (fresh?.category === "LOSS" || fresh?.category === "DAMAGE" ? fresh.category : undefined);
      if (kind) d.claimKind = kind;
      const amount = parsed.entities.find((e) => e.type === "amount");
      if (amount && checkClaimAmount(Number(amount.value), this.deps.claimMaxAmount) === "ok")
        d.amount = Number(amount.value);
      if (isSubstantive(text, parsed) && parseClaimKind(text)) d.description = text.trim();
    }
    const phone = parsed.entities.find((e) => e.type === "phone")?.value;
    if (FIELDS[type].includes("phone")) {
      const known =
        phone ??
        (info.customerPhone !== undefined ? info.customerPhone : await this.deps.customerPhone(info.customerId));
      if (known) d.phone = known;
    }
    if (type === "claim") info.state.suggestedComplaint = undefined;
    // Say what is being done before the first question (a bare "申报金额是多少" after "快递丢了"
    // reads as if nobody listened).
    await this.ask(context, d, rt(info.locale, `intro.${type}`));
  }

  async resume(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    const info = turnInfo(context);
    const step = info.state.flow?.step as Field | "confirm" | "edit" | undefined;
    const d = { ...(info.state.flow?.data as unknown as RequestDraft) };
    const answer = text.trim();
    const { locale } = info;
    if (CANCEL_RE.test(answer)) {
      info.state.flow = undefined;
      await context.sendActivity(reply(rt(locale, "cancelled")));
      return !cancelsFor(parsed, answer, CANCEL_RE, [d.type]);
    }
    if (step !== "description" && step !== "edit" && EDIT_RE.test(answer)) {
      info.state.flow = { name: FLOW, step: "edit", data: { ...d } };
      await context.sendActivity(reply(rt(locale, "ask.edit"), this.fieldReplies(d, locale)));
      return true;
    }
    if (step === "edit") {
      const field = FIELDS[d.type].find((f) => rt(locale, `field.${f}` as RequestTextKey) === answer);
      if (!field) {
        await context.sendActivity(reply(rt(locale, "ask.edit"), this.fieldReplies(d, locale)));
        return true;
      }
      const next: RequestDraft = { ...d, editing: true };
      this.clear(next, field);
      info.state.flow = { name: FLOW, step: field, data: { ...next } };
      await this.askField(context, next, field);
      return true;
    }
    // A phone number said before it is asked for, or at the summary, is the contact number:
    // kept and said so, not silently dropped (the customer would be asked for it again).
    const phoneNoted = step !== "phone" ? phoneIn(parsed, answer) : undefined;
    if (phoneNoted) d.phone = phoneNoted;
    const notedPrefix = phoneNoted ? `${rt(locale, "phone.noted", { phone: phoneNoted })}\n` : "";
    if (step === "confirm") {
      if (CONFIRM_RE.test(answer)) {
        await this.open(context, d);
        return true;
      }
      // 转人工 / 投诉进度 / 我要投诉 at the summary leave it (before: the summary again, and a
      // customer asking for a person could not get one without typing 取消 first).
      if (leavesSummary(parsed)) {
        info.state.flow = undefined;
        return false;
      }
      if (phoneNoted) info.state.flow = { name: FLOW, step, data: { ...d } };
      await context.sendActivity(reply(`${notedPrefix}${this.summary(d, locale)}`, summaryReplies(locale)));
      return true;
    }
    if (!step) {
      info.state.flow = undefined;
      return false;
    }
    // A new address said before it is asked for ("改到杭州市…" while the waybill is asked) is kept,
    // so the customer is not asked for it again.
    const noted =
      step !== "address" && FIELDS[d.type].includes("address") && !d.address ? addressIn(answer) : undefined;
    if (noted) d.address = noted;
    // Likewise a time said before it is asked for ("明天上午" at the pickup address got "no
    // province or city", and the time was asked again later): kept, and the question asked again
    // plainly when the message was only the time.
    const time = await this.noteTime(d, step, answer, locale);
    const insurance = time ? undefined : this.noteInsurance(d, step, answer, locale);
    const timeNoted = time ?? insurance;
    const onlyThat = time
      ? onlyTime(answer)
      : insurance
        ? !answer.replace(INSURANCE_WORDS, "").replace(/[\s\p{P}了的啊呀吧]/gu, "")
        : false;
    if (timeNoted && !noted && !phoneNoted && onlyThat) {
      info.state.flow = { name: FLOW, step, data: { ...d } };
      await this.askField(context, d, step, timeNoted);
      return true;
    }
    const res = await this.take(d, step, parsed, answer);
    // An answer that fits the question is an answer ("不同意" is not a request for an agent);
    // one that does not may be a new request, which leaves the dialog.
    if (!res.ok && leavesIntake(parsed, { freeText: false, askingWaybill: step === "waybill" })) {
      info.state.flow = undefined;
      return false;
    }
    // A claim's details told while another field is asked ("一部手机，问了快递员说找不到了" at the
    // phone) are added to its description and said so (before: "没有识别到电话号码", words lost).
    const detail = !res.ok && !res.end && step !== "description" && this.noteDetail(d, step, answer, parsed);
    if (detail) {
      info.state.flow = { name: FLOW, step, data: { ...d } };
      await this.askField(context, d, step, rt(locale, "detail.noted"));
      return true;
    }
    if (!res.ok) {
      if (res.end) return this.refuse(context, res).then(() => true);
      if (noted || phoneNoted || timeNoted) info.state.flow = { name: FLOW, step, data: { ...d } };
      const text = rt(
        locale,
        (noted || phoneNoted) && res.key === "ask.waybill.again" ? "ask.waybill" : res.key,
        res.vars,
      );
      await context.sendActivity(
        reply(
          `${noted ? `${rt(locale, "address.noted", { address: noted })}\n` : ""}${notedPrefix}${timeNoted ? `${timeNoted}\n` : ""}${text}`,
          res.key === "waybill.whereToFind"
            ? [...(this.quickFor(d, step, locale) ?? []), { title: t(locale, "quick.human") }]
            : this.quickFor(d, step, locale),
        ),
      );
      return true;
    }
    d.editing = false;
    await this.ask(context, d, timeNoted);
    return true;
  }

  // ───────────────────────── answers ─────────────────────────

  private async take(d: RequestDraft, f: Field, parsed: NluResult, answer: string): Promise<Outcome> {
    switch (f) {
      case "waybill": {
        const waybill = parsed.entities.find((e) => e.type === "waybill")?.value;
        // "没有识别到运单号" only for something meant as one; "好的" / "稍等" get the question again;
        // "我不知道单号" / "找不到" where to find it and a person (was the same question forever).
        if (!waybill)
          return {
            ok: false,
            key: waybillAttempt(answer)
              ? "ask.waybill.again"
              : NO_WAYBILL_RE.test(answer.trim()) || waybillUnknown(answer)
                ? "waybill.whereToFind"
                : "ask.waybill",
          };
        return this.checkWaybill(d, waybill);
      }
      case "address": {
        const a = parseAddress(withoutVerb(answer));
        if ("error" in a) {
          if (a.error === "ambiguous_city")
            return {
              ok: false,
              key: "address.ambiguousCity",
              vars: {
                city: a.city.replace(/^[a-z]/, (c) => c.toUpperCase()),
                provinces: a.provinces.join(" / "),
                province1: a.provinces[0] ?? "",
              },
            };
          return { ok: false, key: a.error === "no_city" ? "address.noCity" : "address.tooShort" };
        }
        d.address = a.text;
        return { ok: true };
      }
      case "slot":
      case "when": {
        const s = parseSlot(answer);
        if (!s.day || !s.part) return { ok: false, key: "ask.slot.again" };
        return f === "slot" ? this.takeSlot(d, s as Slot) : this.takeWhen(d, s as Slot);
      }
      case "item": {
        // A bare phone number or waybill is not what is being sent (the phone is noted by resume).
        if (answer.length < 1 || normalisePhone(answer) || isOnlyWaybill(parsed, answer))
          return { ok: false, key: "ask.item" };
        const rule = this.deps.articles ? prohibitedByArticle(answer, this.deps.articles()) : undefined;
        if (rule) return { ok: false, key: "item.prohibitedKb", vars: { item: answer, title: rule.title } };
        const banned = prohibitedItem(answer);
        if (banned) return { ok: false, key: "item.prohibited", vars: { item: answer, kind: banned.zh } };
        d.item = answer;
        return { ok: true };
      }
      case "weight": {
        const kg = parseWeight(answer);
        if (kg === undefined || kg <= 0) return { ok: false, key: "weight.again" };
        if (kg > MAX_PICKUP_KG) return { ok: false, key: "weight.tooHeavy", vars: { max: MAX_PICKUP_KG } };
        d.weightKg = kg;
        return { ok: true };
      }
      case "phone": {
        const phone = phoneIn(parsed, answer);
        if (!phone) return { ok: false, key: "ask.phone.again" };
        d.phone = phone;
        return { ok: true };
      }
      case "preference": {
        const p = parsePreference(answer);
        if (!p) return { ok: false, key: "ask.preference.again" };
        takePreference(d, p, answer);
        return { ok: true };
      }
      case "consent": {
        const yes = parseYesNo(answer);
        if (yes === undefined) return { ok: false, key: "ask.insured.again" };
        if (yes) d.consent = { given: true, at: this.now().toISOString() };
        else d.preference = "home"; // no consent: the parcel comes to the door
        return { ok: true };
      }
      case "claimKind": {
        const kind = parseClaimKind(answer);
        if (!kind) return { ok: false, key: "ask.claimKind" };
        d.claimKind = kind;
        return { ok: true };
      }
      case "amount": {
        const entity = parsed.entities.find((e) => e.type === "amount")?.value;
        const raw = entity ?? /-?\d+(?:\.\d+)?/.exec(answer.replace(/,/g, ""))?.[0];
        if (raw === undefined) return { ok: false, key: "amount.again" };
        const amount = /^-|负/.test(answer.trim()) ? -Math.abs(Number(raw)) : Number(raw);
        const verdict = checkClaimAmount(amount, this.deps.claimMaxAmount);
        if (verdict === "not_positive") return { ok: false, key: "amount.notPositive" };
        if (verdict === "too_large")
          return { ok: false, key: "amount.tooLarge", vars: { max: this.deps.claimMaxAmount } };
        d.amount = amount;
        return { ok: true };
      }
      case "insured": {
        const yes = parseYesNo(answer.replace(/^(保价了|买了保价|有保价)/, "是").replace(/^(没保价|没有保价)/, "否"));
        if (yes === undefined) return { ok: false, key: "ask.insured.again" };
        d.insured = yes;
        return { ok: true };
      }
      case "description": {
        if (answer.length < 2) return { ok: false, key: "ask.description.again" };
        d.description = answer; // verbatim: the agent reads the customer's own words
        return { ok: true };
      }
    }
  }

  /** The waybill must exist, and its status must allow the request (issue 15). */
  private async checkWaybill(d: RequestDraft, waybill: string): Promise<Outcome> {
    const { results } = await this.deps.tracking.lookup(waybill);
    const r = results[0];
    if (!r) return { ok: false, key: "waybill.unknown", vars: { waybill } };
    const vars = { waybill: r.waybill, status: r.status };
    if (d.type === "urge" && !canUrge(r.status)) return { ok: false, key: "urge.notMoving", vars, end: true };
    if (d.type === "address_change" && !canChangeAddress(r.status))
      return { ok: false, key: "address.tooLate", vars, end: true };
    if (d.type === "delivery_preference" && !canSetPreference(r.status))
      return { ok: false, key: "preference.tooLate", vars, end: true };
    const e = r.events[0];
    d.waybill = r.waybill;
    d.tracking = { status: r.status, latest: e ? `${e.location ? `${e.location} ` : ""}${e.description}` : "" };
    return { ok: true };
  }

  private async takeSlot(d: RequestDraft, slot: Slot): Promise<Outcome> {
    const w = slotWindow(slot, this.now(), (await this.deps.closedDays?.()) ?? [], this.deps.holidays?.());
    if ("error" in w) {
      if (w.error === "past") return { ok: false, key: "slot.past" };
      return { ok: false, key: "slot.closed", vars: { date: this.slotDate(slot) } };
    }
    d.slot = { ...slot, date: w.date, start: w.start.toISOString(), end: w.end.toISOString() };
    return { ok: true };
  }

  private async takeWhen(d: RequestDraft, slot: Slot): Promise<Outcome> {
    const w = slotWindow(slot, this.now(), [], this.deps.holidays?.());
    if ("error" in w && w.error === "past") return { ok: false, key: "slot.past" };
    d.when = { ...slot, date: "error" in w ? this.slotDate(slot) : w.date };
    return { ok: true };
  }

  private slotDate(slot: Slot): string {
    const day = new Date(this.now().getTime() + (slot.day === "tomorrow" ? 86_400_000 : 0));
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(day);
  }

  private clear(d: RequestDraft, f: Field): void {
    if (f === "weight") delete d.weightKg;
    else delete d[f];
    if (f === "waybill") delete d.tracking;
    if (f === "preference") {
      delete d.when;
      delete d.consent;
    }
  }

  // ───────────────────────── questions ─────────────────────────

  /** `intro`: a line said before the question (the first one only). */
  private async ask(context: TurnContext, d: RequestDraft, intro?: string): Promise<void> {
    const step = nextField(d);
    turnInfo(context).state.flow = { name: FLOW, step, data: { ...d } };
    if (step === "confirm") {
      const { locale } = turnInfo(context);
      const summary = this.summary(d, locale);
      await context.sendActivity(reply(intro ? `${intro}\n${summary}` : summary, summaryReplies(locale)));
      return;
    }
    await this.askField(context, d, step, intro);
  }

  private async askField(context: TurnContext, d: RequestDraft, f: Field, intro?: string): Promise<void> {
    const { locale } = turnInfo(context);
    const place = d.placeWord ?? rt(locale, d.preference === "locker" ? "place.locker" : "place.station");
    const key: RequestTextKey =
      f === "address"
        ? d.type === "pickup"
          ? "ask.address.pickup"
          : "ask.address.new"
        : (`ask.${f}` as RequestTextKey);
    const question = rt(locale, key, { place, waybill: d.waybill ?? "" });
    // Asked for a waybill, the customer can tap the one they asked about before.
    const { lastWaybill } = turnInfo(context).state;
    const quick = f === "waybill" && lastWaybill ? [{ title: lastWaybill }] : this.quickFor(d, f, locale);
    await context.sendActivity(reply(intro ? `${intro}\n${question}` : question, quick));
  }

  /**
   * A pickup time (or a preferred delivery time) in a message answering another question: taken
   * into the draft when it is bookable; returns the "noted" line to say, else undefined.
   */
  private async noteTime(d: RequestDraft, step: Field, answer: string, locale: Locale): Promise<string | undefined> {
    const field = FIELDS[d.type].find((f): f is "slot" | "when" => f === "slot" || f === "when");
    if (!field || step === field || d[field]) return undefined;
    const s = parseSlot(answer);
    if (!s.day || !s.part) return undefined;
    const res = field === "slot" ? await this.takeSlot(d, s as Slot) : await this.takeWhen(d, s as Slot);
    if (!res.ok) return undefined;
    return rt(locale, "time.noted", { time: rt(locale, `slot.${s.day}.${s.part}` as RequestTextKey) });
  }

  /** Claims: "保价了" / "没保价" said at another question (the value) is the insurance answer. */
  private noteInsurance(d: RequestDraft, step: Field, answer: string, locale: Locale): string | undefined {
    if (d.type !== "claim" || step === "insured" || d.insured !== undefined) return undefined;
    const m = INSURANCE_WORDS.exec(answer);
    // "我不记得有没有保价" is not an answer.
    if (!m || /不记得|不知道|不清楚|不确定|有没有|是否|吗|[?？]|not sure|don'?t know/i.test(answer)) return undefined;
    d.insured = !NOT_INSURED.test(m[0]);
    return rt(locale, "insured.noted", { value: rt(locale, d.insured ? "value.yes" : "value.no") });
  }

  /** Claims only: words that describe what happened are added to the description. */
  private noteDetail(d: RequestDraft, step: Field, answer: string, parsed: NluResult): boolean {
    if (d.type !== "claim" || !isSubstantive(answer, parsed)) return false;
    // At the phone anything said at length is a detail; elsewhere only words of loss or damage
    // ("我不记得有没有保价" at the insurance question is not one).
    if (step !== "phone" && parseClaimKind(answer) === undefined) return false;
    if (d.description?.includes(answer)) return true;
    const next = d.description ? `${d.description}\n${answer}` : answer;
    if (next.length > MAX_DESCRIPTION_CHARS) return false;
    d.description = next;
    return true;
  }

  private quickFor(_d: RequestDraft, f: Field, locale: Locale): QuickReply[] | undefined {
    const yesNo = [{ title: rt(locale, "value.yes") }, { title: rt(locale, "value.no") }];
    switch (f) {
      case "slot":
      case "when":
        return SLOT_DAYS.flatMap((day) => SLOT_PARTS.map((part) => ({ day, part })))
          .filter((s) => !("error" in slotWindow(s, this.now(), [], this.deps.holidays?.())) || f === "when")
          .map((s) => ({ title: rt(locale, `slot.${s.day}.${s.part}` as RequestTextKey) }));
      case "preference":
        return (["home", "station", "locker", "reschedule"] as const).map((p) => ({ title: rt(locale, `pref.${p}`) }));
      case "consent":
        return locale === "en" ? [{ title: "I agree" }, { title: "No" }] : [{ title: "同意" }, { title: "不同意" }];
      case "insured":
        return yesNo;
      case "claimKind":
        return [{ title: rt(locale, "value.LOSS") }, { title: rt(locale, "value.DAMAGE") }];
      default:
        return undefined;
    }
  }

  private fieldReplies(d: RequestDraft, locale: Locale): QuickReply[] {
    return FIELDS[d.type]
      .filter((f) => needed(d, f))
      .map((f) => ({ title: rt(locale, `field.${f}` as RequestTextKey) }));
  }

  private summary(d: RequestDraft, locale: Locale): string {
    const lines = [rt(locale, "summary.header", { type: typeLabel(locale, d.type) })];
    const line = (f: RequestTextKey, value: string | undefined) => {
      if (value !== undefined && value !== "") lines.push(`${rt(locale, f)}${locale === "en" ? ": " : "："}${value}`);
    };
    line("field.waybill", d.waybill);
    if (d.type === "urge") line("field.latest", d.tracking?.latest);
    line("field.address", d.address);
    if (d.slot)
      line("field.slot", `${d.slot.date} ${rt(locale, `slot.${d.slot.day}.${d.slot.part}` as RequestTextKey)}`);
    line("field.item", d.item);
    if (d.weightKg !== undefined) line("field.weight", rt(locale, "value.kg", { kg: d.weightKg }));
    if (d.preference) line("field.preference", preferenceLabel(d, locale));
    if (d.when)
      line("field.when", `${d.when.date} ${rt(locale, `slot.${d.when.day}.${d.when.part}` as RequestTextKey)}`);
    if (d.consent) line("field.consent", rt(locale, "value.yes"));
    if (d.claimKind) line("field.claimKind", rt(locale, `value.${d.claimKind}`));
    if (d.amount !== undefined) line("field.amount", rt(locale, "value.yuan", { amount: d.amount }));
    if (d.insured !== undefined) line("field.insured", rt(locale, d.insured ? "value.yes" : "value.no"));
    line("field.description", d.description);
    line("field.phone", d.phone);
    lines.push(rt(locale, "summary.footer"));
    return lines.join("\n");
  }

  private async refuse(context: TurnContext, res: Outcome & { ok: false }): Promise<void> {
    const info = turnInfo(context);
    const { locale } = info;
    const vars = { ...res.vars };
    if (typeof vars.status === "string") vars.status = statusLabel(locale, vars.status as ShipmentStatus);
    if (res.end) info.state.flow = undefined;
    const quick = res.end ? [{ title: locale === "en" ? "Talk to an agent" : "转人工" }] : undefined;
    await context.sendActivity(reply(rt(locale, res.key, vars), quick));
  }

  // ───────────────────────── submission ─────────────────────────

  private async open(context: TurnContext, d: RequestDraft): Promise<void> {
    const info = turnInfo(context);
    const { locale } = info;
    const details = { ...d } as Record<string, unknown>;
    delete details.editing;
    delete details.type;
    const { ticket, joined } = await this.deps.tickets.openFromBot({
      type: d.type,
      details,
      conversationId: info.conversationId,
      customerId: info.customerId,
      channel: info.channel,
      sourceMessageId: info.inboundMessageId,
      category: d.type === "claim" ? (d.claimKind ?? "LOSS") : REQUEST_CATEGORY[d.type],
      description: this.listText(d),
      waybill: d.waybill,
      contactPhone: d.phone,
      claimedAmount: d.amount,
    });
    info.state.flow = undefined;
    info.category = ticket.category;
    await context.sendActivity(reply(openedText(ticket, d, !!joined, locale)));
  }

  /**
   * The ticket's description, shown in lists and searched: what was asked, with the new
   * address masked (issue 15: stored in full in details, masked in lists and logs).
   */
  private listText(d: RequestDraft): string {
    const zh = (k: RequestTextKey, v?: Record<string, string | number>) => rt("zh-CN", k, v);
    switch (d.type) {
      case "urge":
        return `催件：${d.tracking?.latest ?? ""}`.trim();
      case "address_change":
        return `改地址：${d.address ? maskAddress(d.address) : ""}`;
      case "pickup":
        return `预约取件：${d.address ? maskAddress(d.address) : ""} ${d.slot ? `${d.slot.date} ${zh(`slot.${d.slot.day}.${d.slot.part}` as RequestTextKey)}` : ""} ${d.item ?? ""} ${d.weightKg ?? ""}kg`;
      case "delivery_preference":
        return `派送偏好：${preferenceLabel(d, "zh-CN")}${d.when ? ` ${d.when.date} ${zh(`slot.${d.when.day}.${d.when.part}` as RequestTextKey)}` : ""}${d.consent ? "（客户已同意）" : ""}`;
      case "claim":
        return d.description ?? `理赔：${d.claimKind ? zh(`value.${d.claimKind}`) : ""}`;
    }
  }

  /** "取消取件": the customer's latest booked pickup is withdrawn (issue 15: cancellable by the customer). */
  private async cancelPickup(context: TurnContext): Promise<void> {
    const info = turnInfo(context);
    info.state.flow = undefined;
    const number = await this.deps.tickets.cancelPickup(info.customerId);
    await context.sendActivity(
      reply(number ? rt(info.locale, "pickup.cancelled", { number }) : rt(info.locale, "pickup.noneOpen")),
    );
  }
}

/** The reply once a request is open: its number and the promise of its clocks, in plain words. */
export function openedText(ticket: TicketDetail, d: RequestDraft, joined: boolean, locale: Locale): string {
  const minutes = (kind: string, fallback: number) =>
    ticket.slaClocks.find((c) => c.kind === kind)?.targetMinutes ?? fallback;
  const dur = (m: number) => formatDuration(m * 60_000, locale);
  const slot = d.slot ? `${d.slot.date} ${rt(locale, `slot.${d.slot.day}.${d.slot.part}` as RequestTextKey)}` : "";
  const vars = {
    number: ticket.number,
    promise: dur(minutes("resolution", 120)),
    latest: d.tracking?.latest ?? "",
    slot,
    preference: preferenceLabel(d, locale),
    ack: dur(minutes("claim_ack", 1440)),
    proposal: dur(minutes("claim_proposal", 43_200)),
    payment: dur(7 * 1440),
  };
  if (joined) return rt(locale, "joined.urge", vars);
  return rt(locale, `opened.${d.type}`, vars);
}

/** Nothing but a time ("明天上午", "明天上午来取吧", "tomorrow morning please"). */
function onlyTime(text: string): boolean {
  const rest = text
    .toLowerCase()
    .replace(/今天|今日|明天|明日|上午|早上|早晨|上班前|下午|today|tomorrow|morning|afternoon|\b[ap]m\b/g, "")
    .replace(/来取|上门|来|取|吧|的|可以|行|好|please|in the|come|pick ?up|[\s\p{P}]/gu, "");
  return rest.length === 0;
}

/** Insurance said in words: 保价了 / 买了保价 / 没保价 / insured / not insured. */
const INSURANCE_WORDS =
  /(没有?|未|没买|没办|不)保价|(买了|办了|有|保过)保价|保价了|保了价|\b(not|wasn'?t|no) insured|\bno insurance|\buninsured|\b(was |it'?s |yes,? )?insured\b/i;
const NOT_INSURED = /没|未|不|not|wasn|no |uninsured/i;
