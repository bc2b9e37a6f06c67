import type { TurnContext } from "botbuilder";
import {
  ACTION_THRESHOLD,
  CARRIER_NAMES,
  type CarrierCode,
  detectCarriers,
  findCarrierMention,
  type NluResult,
  normaliseText,
  normaliseWaybill,
  WAYBILL_FORMATS,
} from "../../../intents/index.js";
import type { QuickReply } from "../../channel/channel.js";
import { graphemes } from "../../channel/split.js";
import { assess, type Problem, saysNotReceived } from "../../tracking/care.rules.js";
import type { TrackingService } from "../../tracking/tracking.service.js";
import type { TrackingResult } from "../../tracking/tracking.types.js";
import { reply } from "../bot.js";
import type { Flow } from "../flow.js";
import type { Locale } from "../texts.js";
import { type DialogState, turnInfo } from "../turn-state.js";
import { formatTime, statusLabel, tt } from "./track.texts.js";

/** A message with more waybills than this gets the first ones answered and the rest listed (issue 19). */
export const MULTI_WAYBILL_LIMIT = 5;
/** At most this many of the waybills left out are written out in the reply. */
const REST_LISTED = 10;

const RECENT = /^(我最近的快递|my recent parcels)$|最近.{0,4}(快递|包裹)|recent (parcels|packages|shipments)/i;
/**
 * "我不知道单号，用手机号能查吗" / "没有单号怎么查": the customer cannot send the waybill — their
 * phone's parcels if known, else where to find it (before: "您是想：", then a handoff).
 */
const NO_WAYBILL =
  /(不知道|没有|没|忘了|忘记|找不到|不记得|记不得|丢了)(快递|运|物流)?单号|单号.{0,3}(忘了|找不到|丢了|不知道)|(用|凭|按|通过)(手机|电话)号?.{0,4}(查|找)|(don'?t|do not) (know|have) (the|my|a) (waybill|tracking)|no (waybill|tracking) (number|no)|(by|with) (my )?(phone|mobile)( number)?/i;
/** "我不知道单号", "单号找不到了", "I don't have the tracking number": the customer has no waybill to hand. */
export function waybillUnknown(text: string): boolean {
  return NO_WAYBILL.test(text);
}

/**
 * A follow-up about the parcel just shown ("这个什么时候能到", "它现在到哪了", "when will it
 * arrive"): answered for the conversation's last waybill instead of asking for the number again.
 */
export const REFERS_BACK = /这个|这件|这单|这票|它|那个|那件|刚才那|刚刚那|上面那|\b(it|this one|that one)\b/i;

/**
 * "还要多久", "今天能到吗", "when will it arrive": a question about the arrival of a parcel that
 * names none. Right after a tracking answer it is about that parcel.
 */
export const ETA_QUESTION =
  /还要多久|多久(能|才|可以|会)?(到|送到|送达|派送)|什么时候(能|才|可以|会)?(到|送|派)|几(天|号|点)(能|才|会)?(到|送)|(几时|幾時|啥时候|哪天)(能|才|会|可以)?(到|送|派)|(今天|明天|今晚)(能|会)(到|送)|when will (it|my parcel|the parcel|my package) (arrive|come|get here|be delivered)|how long (will it|until|till)|arrive (today|tomorrow)/i;
/**
 * "怎么还没到", "为什么还没送", "why hasn't it arrived": a grumble about a parcel that names none
 * (as is "我没收到啊" after a card that says 已签收: the card then offers the 签收未收到 complaint).
 * The engine often reads it as an unsure complaint; right after a tracking answer it is about that
 * parcel, and the tracking answer itself offers the complaint when the parcel is late.
 */
export const NOT_ARRIVED =
  /(怎么|怎麼|为什么|為什麼|为啥|為啥|咋|怎|点解|點解)(还|還|仲)?(没|沒|不|未|冇|唔)(有)?(到|送|派|来|來|收到|动|動)|(还|還)(没|沒|未|冇)(到|送到|送来|收到|派送)|(怎么|怎麼|为什么|為什麼|为啥|咋|点解|點解)(这么|這麼|那么|咁|甘)?慢|why (hasn'?t|has not|isn'?t|is not) (it|my parcel|my package|the parcel)( \w+)? (arrived|come|here|been delivered|delivered)|(still )?not (arrived|here|delivered) yet|still (not|hasn'?t) (arrived|here|come)/i;
/** Words that ask for a complaint outright: those go to the complaint flow, not a status follow-up. */
const ASKS_COMPLAINT = /投诉|举报|差评|赔|complain|compensat|refund/i;
/** "上海到北京多久能到": a route before the question asks about a route, not the parcel shown. */
const ROUTE_QUESTION =
  /[\p{Script=Han}A-Za-z]{2,}(到|寄到|发到|\bto\b)\s*[\p{Script=Han}A-Za-z]{2,}.{0,6}(多久|几天|什么时候|how long)/iu;
/** Longer messages that happen to contain a time question are read for what else they say. */
const SHORT_FOLLOW_UP = 16;
const SHORT_FOLLOW_UP_WORDS = 8;

/** How long the parcel just shown stays "this parcel" for a request that names none (30 min). */
export const RECENT_WAYBILL_MS = 30 * 60_000;

/**
 * The waybill shown to the customer within the last {@link RECENT_WAYBILL_MS}, if any: a request
 * started right after a tracking answer ("帮我催一下") is about that parcel, not one to ask for again.
 */
export function recentWaybill(state: DialogState, now: Date): string | undefined {
  if (!state.lastWaybill || !state.lastWaybillAt) return undefined;
  const age = now.getTime() - Date.parse(state.lastWaybillAt);
  return age >= 0 && age < RECENT_WAYBILL_MS ? state.lastWaybill : undefined;
}

/**
 * The parcel a message without a waybill is about, if it is the one shown before: "这个/它…"
 * (when the message leans to tracking), or an arrival question shortly after it was shown.
 */
export function refersToLastParcel(state: DialogState, text: string, now: Date, intent: string): string | undefined {
  if (!state.lastWaybill) return undefined;
  if (intent === "track" && REFERS_BACK.test(text)) return state.lastWaybill;
  const trimmed = text.trim();
  const short =
    graphemes(trimmed).length <= SHORT_FOLLOW_UP ||
    (/^[\x20-\x7e]+$/.test(trimmed) && trimmed.split(/\s+/).length <= SHORT_FOLLOW_UP_WORDS);
  if (["track", "inquiry", "none"].includes(intent) && short && ETA_QUESTION.test(text) && !ROUTE_QUESTION.test(text))
    return recentWaybill(state, now);
  if (
    ["track", "inquiry", "none", "complaint"].includes(intent) &&
    short &&
    (NOT_ARRIVED.test(text) || saysNotReceived(text)) &&
    !ASKS_COMPLAINT.test(text) &&
    !ROUTE_QUESTION.test(text)
  )
    return recentWaybill(state, now);
  return undefined;
}

function carrierName(locale: Locale, code: string): string {
  const names = CARRIER_NAMES[code as CarrierCode];
  return names ? (locale === "en" ? names.en : names.zh) : code;
}

/** A carrier picked from the carrier question: a name, an alias, or the code itself. */
function carrierIn(text: string, allowed: readonly string[]): string | undefined {
  const trimmed = text.trim().toLowerCase();
  for (const code of allowed) {
    const names = CARRIER_NAMES[code as CarrierCode];
    if (code.toLowerCase() === trimmed || names?.zh === text.trim() || names?.en.toLowerCase() === trimmed) return code;
  }
  const mention = findCarrierMention(normaliseText(text));
  return mention && allowed.includes(mention) ? mention : undefined;
}

/** Something that was meant as a waybill but fits no format ("SF12345"): gets a format hint. */
export function waybillAttempt(text: string): string | undefined {
  const m = text.match(/[A-Za-z]{0,4}\d[\d\s-]{3,}\d[A-Za-z]{0,2}/);
  if (!m) return undefined;
  const w = normaliseWaybill(m[0]);
  if ((w.match(/\d/g)?.length ?? 0) < 5 || w.length > 40) return undefined;
  if (/^1[3-9]\d{9}$/.test(w)) return undefined; // a mobile number, not a waybill
  return w;
}

type WaybillEntity = NluResult["entities"][number];

/** The message's waybills, each once, in the order written. */
function distinctWaybills(parsed: NluResult): WaybillEntity[] {
  const seen = new Set<string>();
  return parsed.entities.filter((e) => e.type === "waybill" && !seen.has(e.value) && seen.add(e.value));
}

/** A carrier's event text cut to fit one line of a multi-waybill answer. */
function shorten(text: string, max = 28): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * 查件: "where is my parcel". Answers from TrackingService in one short message (status and
 * place, the last three events, expected delivery), asks for the number or the carrier when
 * needed, and offers a complaint when the parcel is late, stuck, in trouble, or signed while
 * the customer says they don't have it (the complaint flow pre-fills from suggestedComplaint).
 */
export class TrackFlow implements Flow {
  readonly name = "track";
  readonly intents = ["track"] as const;

  constructor(
    private readonly tracking: TrackingService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(context: TurnContext, parsed: NluResult, text: string): Promise<void> {
    const info = turnInfo(context);
    info.state.flow = undefined;
    const waybills = distinctWaybills(parsed);
    if (waybills.length > 1) return this.answerMany(context, waybills, text);
    const entity = waybills[0];
    if (entity) return this.answer(context, entity.value, text, entity.carriers);
    if (RECENT.test(text.trim())) return this.recent(context);
    if (NO_WAYBILL.test(text)) return this.withoutWaybill(context);
    // A follow-up about the parcel just shown gets its status and arrival, not the whole card again.
    const last = refersToLastParcel(info.state, text, this.now(), "track");
    if (last) return this.answer(context, last, text, undefined, undefined, true);
    const attempt = parsed.entities.some((e) => e.type === "phone") ? undefined : waybillAttempt(text);
    if (attempt) return this.answer(context, attempt, text);
    await this.askWaybill(context);
  }

  async resume(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    const info = turnInfo(context);
    const active = info.state.flow;
    if (!active || active.name !== this.name) return false;
    const waybills = distinctWaybills(parsed);
    const entity = waybills[0];
    if (active.step === "carrier") {
      const data = active.data as { waybill?: string; carriers?: string[] };
      const picked = data.waybill && data.carriers ? carrierIn(text, data.carriers) : undefined;
      if (picked && data.waybill) {
        info.state.flow = undefined;
        await this.answer(context, data.waybill, text, undefined, picked);
        return true;
      }
    }
    if (entity) {
      info.state.flow = undefined;
      if (waybills.length > 1) await this.answerMany(context, waybills, text);
      else await this.answer(context, entity.value, text, entity.carriers);
      return true;
    }
    if (RECENT.test(text.trim())) {
      info.state.flow = undefined;
      await this.recent(context);
      return true;
    }
    // Another confident topic ("我要投诉") goes back to the router.
    const otherTopic = parsed.intent.confidence >= ACTION_THRESHOLD && !["track", "none"].includes(parsed.intent.name);
    // "没有单号" inside a complaint ("快递员收件没有单号给我，我要投诉") is the complaint's.
    if (!otherTopic && NO_WAYBILL.test(text)) {
      await this.withoutWaybill(context);
      return true;
    }
    const attempt = active.step === "waybill" && !otherTopic ? waybillAttempt(text) : undefined;
    if (attempt) {
      info.state.flow = undefined;
      await this.answer(context, attempt, text);
      return true;
    }
    return false;
  }

  private async askWaybill(context: TurnContext): Promise<void> {
    const info = turnInfo(context);
    const hasRecent = await this.tracking.hasRecent(info.customerId, info.customerPhone);
    const quick: QuickReply[] = [];
    if (info.state.lastWaybill) quick.push({ title: info.state.lastWaybill });
    if (hasRecent) quick.push({ title: tt(info.locale, "quick.recent") });
    info.state.flow = { name: this.name, step: "waybill", data: {} };
    await context.sendActivity(reply(tt(info.locale, hasRecent ? "askWithRecent" : "ask"), quick));
  }

  /** No waybill to send: the parcels linked to the customer's phone, or where to find the number. */
  private async withoutWaybill(context: TurnContext): Promise<void> {
    const info = turnInfo(context);
    if (await this.tracking.hasRecent(info.customerId, info.customerPhone)) return this.recent(context);
    info.state.flow = { name: this.name, step: "waybill", data: {} };
    await context.sendActivity(reply(tt(info.locale, "noWaybill"), [{ title: tt(info.locale, "quick.human") }]));
  }

  private async recent(context: TurnContext): Promise<void> {
    const info = turnInfo(context);
    const list = await this.tracking.recentForCustomer(info.customerId, 5, info.customerPhone);
    if (!list.length) {
      info.state.flow = { name: this.name, step: "waybill", data: {} };
      // No phone known (web chat): "no parcels linked to your phone" would be untrue.
      const known =
        info.customerPhone === undefined ? await this.tracking.customerPhone(info.customerId) : info.customerPhone;
      await context.sendActivity(reply(tt(info.locale, known ? "recentNone" : "recentNoPhone")));
      return;
    }
    const lines = list.map((s) =>
      tt(info.locale, "recentLine", {
        carrier: carrierName(info.locale, s.carrier),
        waybill: s.waybill,
        status: statusLabel(info.locale, s.status),
        time: s.lastEventAt ? tt(info.locale, "place", { place: formatTime(s.lastEventAt) }) : "",
      }),
    );
    info.state.flow = { name: this.name, step: "waybill", data: {} };
    await context.sendActivity(
      reply(
        [tt(info.locale, "recentHeader"), ...lines].join("\n"),
        list.map((s) => ({ title: s.waybill })),
      ),
    );
  }

  private async answer(
    context: TurnContext,
    waybill: string,
    text: string,
    carriers?: readonly string[],
    chosen?: string,
    brief = false,
  ): Promise<void> {
    const info = turnInfo(context);
    info.state.lastWaybill = waybill;
    info.state.lastWaybillAt = this.now().toISOString();
    const named = chosen ?? findCarrierMention(normaliseText(text));
    const candidates = carriers?.length ? carriers : detectCarriers(waybill);
    const { results, degraded } = await this.tracking.lookup(waybill, {
      carrier: named,
      carriers: candidates,
      customerId: info.customerId,
    });
    const [only] = results;
    if (!only) {
      await this.notFound(context, waybill, named, degraded);
      return;
    }
    if (results.length > 1) {
      const options = results.map((r) => r.carrier);
      info.state.flow = { name: this.name, step: "carrier", data: { waybill, carriers: options } };
      await context.sendActivity(
        reply(
          tt(info.locale, "askCarrier", { waybill }),
          options.map((c) => ({ title: carrierName(info.locale, c), value: carrierName(info.locale, c) })),
        ),
      );
      return;
    }
    await this.show(context, only, text, degraded, brief);
  }

  /**
   * Several waybills in one message: one compact line each (status, last event, a flag when
   * the parcel is late or in trouble), "未查到" for the unknown ones, and the ones beyond
   * MULTI_WAYBILL_LIMIT listed with a button that sends them as the next message.
   */
  private async answerMany(context: TurnContext, waybills: WaybillEntity[], text: string): Promise<void> {
    const info = turnInfo(context);
    const { locale } = info;
    const shown = waybills.slice(0, MULTI_WAYBILL_LIMIT);
    const rest = waybills.slice(MULTI_WAYBILL_LIMIT).map((e) => e.value);
    const named = findCarrierMention(normaliseText(text));
    const outcomes = await Promise.all(
      shown.map((e) =>
        this.tracking.lookup(e.value, {
          carrier: named,
          carriers: e.carriers?.length ? e.carriers : detectCarriers(e.value),
          customerId: info.customerId,
        }),
      ),
    );
    const now = this.now();
    const lines: string[] = [];
    if (outcomes.some((o) => o.degraded)) lines.push(tt(locale, "degraded"));
    lines.push(tt(locale, "multiHeader", { count: waybills.length }));
    const troubled: { waybill: string; category: string }[] = [];
    shown.forEach((e, i) => {
      const n = i + 1;
      const { results } = outcomes[i]!;
      const [r] = results;
      if (!r) {
        lines.push(tt(locale, "multiNotFound", { n, waybill: e.value }));
        return;
      }
      if (results.length > 1) {
        lines.push(tt(locale, "multiAmbiguous", { n, waybill: e.value }));
        return;
      }
      const latest = r.events[0];
      const problem = assess(r, now, this.tracking.limits, text).problems[0];
      if (problem) troubled.push({ waybill: r.waybill, category: problem.category });
      lines.push(
        tt(locale, "multiLine", {
          n,
          carrier: carrierName(locale, r.carrier),
          waybill: r.waybill,
          status: statusLabel(locale, r.status),
          last: latest
            ? tt(locale, "multiLast", { time: formatTime(latest.time), text: shorten(latest.description) })
            : "",
          flag: problem ? tt(locale, "multiFlag", { problem: this.problemTag(locale, problem) }) : "",
        }),
      );
    });
    if (troubled.length) lines.push("", tt(locale, "multiTrouble"));
    if (rest.length)
      lines.push(
        "",
        tt(locale, "multiRest", {
          count: rest.length,
          limit: MULTI_WAYBILL_LIMIT,
          // A long paste is named in part: the count and the button carry the rest.
          list: rest.length > REST_LISTED ? `${rest.slice(0, REST_LISTED).join(" ")} …` : rest.join(" "),
        }),
      );

    info.state.lastWaybill = shown[0]!.value;
    info.state.lastWaybillAt = now.toISOString();
    // "我要投诉" next pre-fills the one parcel in trouble; with several, the customer picks one first.
    const [onlyTrouble] = troubled;
    info.state.suggestedComplaint =
      onlyTrouble && troubled.length === 1
        ? { category: onlyTrouble.category, waybill: onlyTrouble.waybill, at: now.toISOString() }
        : undefined;
    const quick: QuickReply[] = [];
    if (rest.length) quick.push({ title: tt(locale, "quick.rest", { count: rest.length }), value: rest.join(" ") });
    for (const t of troubled.slice(0, 2)) quick.push({ title: t.waybill });
    quick.push({ title: tt(locale, "quick.human") });
    await context.sendActivity(reply(lines.join("\n"), quick));
  }

  private problemTag(locale: Locale, problem: Problem): string {
    switch (problem.kind) {
      case "delayed":
        return tt(locale, "tag.delayed", { hours: Math.max(1, problem.overdueHours) });
      case "stuck":
        return tt(locale, "tag.stuck", { hours: problem.idleHours });
      case "exception":
        return tt(locale, "tag.exception");
      case "signed_not_received":
        return tt(locale, "tag.signedNotReceived");
      case "locker_not_received":
        return tt(locale, "tag.locker");
    }
  }

  /** The tracking card; `brief` (a follow-up about the parcel just shown): the latest event only. */
  private async show(
    context: TurnContext,
    r: TrackingResult,
    text: string,
    degraded: boolean,
    brief = false,
  ): Promise<void> {
    const info = turnInfo(context);
    const { locale } = info;
    const latest = r.events[0];
    const care = assess(r, this.now(), this.tracking.limits, text);
    const lines: string[] = [];
    if (degraded) lines.push(tt(locale, "degraded"));
    lines.push(
      tt(locale, "summary", {
        carrier: carrierName(locale, r.carrier),
        waybill: r.waybill,
        status: statusLabel(locale, r.status),
        place: latest?.location ? tt(locale, "place", { place: latest.location }) : "",
      }),
    );
    if (r.events.length) {
      lines.push(tt(locale, "eventsHeader"));
      for (const e of r.events.slice(0, brief ? 1 : 3)) {
        lines.push(tt(locale, "eventLine", { time: formatTime(e.time), text: e.description }));
      }
    }
    if (r.status === "delivered" && r.deliveredAt)
      lines.push(tt(locale, "delivered", { time: formatTime(r.deliveredAt) }));
    if (care.eta === "today") lines.push(tt(locale, "etaToday"));
    else if (care.eta) lines.push(tt(locale, "eta", { time: formatTime(care.eta) }));

    const problem = care.problems[0];
    if (!problem) {
      await context.sendActivity(
        reply(lines.join("\n"), [{ title: tt(locale, "quick.another") }, { title: tt(locale, "quick.human") }]),
      );
      return;
    }
    lines.push("", this.careText(locale, problem, care.problems, r));
    info.state.suggestedComplaint = {
      category: problem.category,
      waybill: r.waybill,
      ...(brief ? {} : { said: text.trim() }),
      at: this.now().toISOString(),
    };
    await context.sendActivity(
      reply(lines.join("\n"), [{ title: tt(locale, "quick.complain") }, { title: tt(locale, "quick.human") }]),
    );
  }

  private careText(locale: Locale, problem: Problem, all: Problem[], r: TrackingResult): string {
    const signedAt = r.deliveredAt ?? r.lastEventAt;
    switch (problem.kind) {
      case "delayed": {
        const stuck = all.find((p) => p.kind === "stuck");
        const delayed = tt(locale, "care.delayed", {
          limit: problem.limitHours,
          hours: Math.max(1, problem.overdueHours),
        });
        return stuck && stuck.kind === "stuck"
          ? `${tt(locale, "care.stuck", { hours: stuck.idleHours })}\n${delayed}`
          : delayed;
      }
      case "stuck":
        return tt(locale, "care.stuck", { hours: problem.idleHours });
      case "exception":
        return tt(locale, "care.exception");
      case "signed_not_received":
        return tt(locale, problem.signedByOther ? "care.signedOther" : "care.signedLoss", {
          time: signedAt ? formatTime(signedAt) : "",
        });
      case "locker_not_received": {
        const place = r.events[0]?.location;
        return tt(locale, "care.locker", { place: place ? tt(locale, "place", { place }) : "" });
      }
    }
  }

  private async notFound(
    context: TurnContext,
    waybill: string,
    named: string | undefined,
    degraded: boolean,
  ): Promise<void> {
    const { locale } = turnInfo(context);
    const quick = [{ title: tt(locale, "quick.human") }, { title: tt(locale, "quick.another") }];
    if (degraded) {
      await context.sendActivity(reply(tt(locale, "degradedNotFound", { waybill }), quick));
      return;
    }
    const detected = detectCarriers(waybill);
    const carrier = (named ?? detected[0]) as CarrierCode | undefined;
    const fits = carrier ? detected.includes(carrier) : false;
    const format =
      carrier && WAYBILL_FORMATS[carrier] ? WAYBILL_FORMATS[carrier][locale === "en" ? "en" : "zh"] : undefined;
    await context.sendActivity(
      reply(
        tt(locale, "notFound", {
          waybill,
          format: format ?? tt(locale, "genericFormat"),
          length: fits ? "" : tt(locale, "notFoundLength", { length: waybill.length }),
        }),
        quick,
      ),
    );
  }
}
