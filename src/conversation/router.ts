import type { TurnContext } from "botbuilder";
import { ACTION_THRESHOLD, type IntentName, type Nlu, type NluResult } from "../../intents/index.js";
import { asksPlacement } from "../tickets/request-rules.js";
import { isRequestType, typeLabel } from "../tickets/ticket-types.js";
import { looksAngry } from "./anger.js";
import { type MessageRouter, mainMenu, reply } from "./bot.js";
import type { Flow } from "./flow.js";
import { addressIn } from "./flows/request.flow.js";
import { recentWaybill, refersToLastParcel } from "./flows/track.flow.js";
import { tt } from "./flows/track.texts.js";
import { type Locale, type TextKey, t } from "./texts.js";
import { turnInfo } from "./turn-state.js";

/** Two misunderstood messages in a row hand the conversation to a human (issue 7). */
export const MISUNDERSTOOD_LIMIT = 2;

/** Routes each message: an active flow first, then the intent engine's verdict. */
/** Does the customer have a complaint being handled (an open ticket)? */
export type OpenTicketCheck = (customerId: string) => Promise<boolean>;

export class IntentRouter implements MessageRouter {
  private readonly byIntent = new Map<IntentName, Flow>();
  private readonly byName = new Map<string, Flow>();
  private readonly claimers: Flow[];
  private readonly fallbacks: Flow[];

  constructor(
    private readonly nlu: Nlu,
    flows: Flow[],
    private readonly hasOpenTicket: OpenTicketCheck = async () => false,
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const flow of flows) {
      this.byName.set(flow.name, flow);
      for (const intent of flow.intents) this.byIntent.set(intent, flow);
    }
    this.claimers = flows.filter((f) => f.claim);
    this.fallbacks = flows.filter((f) => f.fallback);
  }

  async route(context: TurnContext, message: string): Promise<void> {
    let text = message;
    const info = turnInfo(context);
    const active = info.state.flow;
    let parsed = this.nlu.parse(text, { expecting: active?.step, locale: info.locale });
    // A button the bot offered ("Pickup booking", "业务咨询", or the same typed) names its intent
    // exactly: the engine read "Delivery preference" as off-topic and "Hurry a parcel" as unsure
    // (two of those handed an English customer to the queue). Picked right after "您是想：", the
    // unclear message itself is what the chosen flow starts from (its address, slot, waybill).
    const picked = this.intentOfLabel(text);
    // Only the very next message answers "您是想：" (anything else moves on from the unclear one).
    const unclear = info.state.clarifying;
    info.state.clarifying = undefined;
    if (picked) {
      const fresh = unclear && this.now().getTime() - Date.parse(unclear.at) < CLARIFY_TTL_MS ? unclear : undefined;
      if (fresh && !active) {
        text = fresh.text;
        parsed = this.nlu.parse(text, { locale: info.locale });
      }
      parsed = { ...parsed, intent: { name: picked, confidence: 1 } };
    } else if (!active && parsed.intent.confidence < ACTION_THRESHOLD)
      parsed = this.withoutAddress(text, parsed, info.locale);
    info.intent = parsed.intent.name;
    if (parsed.category) info.category = parsed.category.code;

    // An angry customer whose complaint is already open goes to a person, not another form.
    const handoff = this.byIntent.get("human");
    if (handoff && looksAngry(text) && active?.name !== "survey" && (await this.hasOpenTicket(info.customerId))) {
      await handoff.start(context, parsed, text);
      if (info.handoff) info.handoff.reason = "angry";
      return;
    }

    if (active) {
      const flow = this.byName.get(active.name);
      if (flow?.resume && (await flow.resume(context, parsed, text))) return;
      if (!flow) info.state.flow = undefined;
    }

    // "你是机器人吗" is answered (it handed the customer to an empty queue as a request for a person).
    if (ASKS_IF_BOT.test(text.trim())) {
      info.state.misunderstood = 0;
      await context.sendActivity(reply(t(info.locale, "whoami"), mainMenu(info.locale)));
      return;
    }

    // "能不能放驿站" about a parcel — named in the message, or shown in the last half hour — asks
    // for that parcel's delivery, not for the general rule: the 派送偏好 request, whose summary
    // shows the parcel and asks for consent (a question about the place alone stays a question).
    const preference = this.byIntent.get("delivery_preference");
    const aboutParcel = parsed.entities.some((e) => e.type === "waybill") || !!recentWaybill(info.state, this.now());
    if (
      preference &&
      ["inquiry", "track", "none", "delivery_preference"].includes(parsed.intent.name) &&
      aboutParcel &&
      asksPlacement(text)
    ) {
      info.state.misunderstood = 0;
      info.intent = "delivery_preference";
      info.state.flow = undefined;
      await preference.start(
        context,
        { ...parsed, intent: { name: "delivery_preference", confidence: parsed.intent.confidence } },
        text,
      );
      return;
    }

    // A greeting the engine is fairly sure of ("hello?", "anyone there?" at 0.73–0.76) is answered
    // as one: the reply is the menu either way, and "did you want to: Hello" read as a bot glitch.
    const confident =
      parsed.intent.confidence >= ACTION_THRESHOLD ||
      (parsed.intent.name === "greeting" && parsed.intent.confidence >= GREETING_THRESHOLD && !parsed.entities.length);
    // Unsure, but the message carries a waybill: looking it up is the answer that cannot hurt
    // (tracking shows the status and itself offers a complaint when the parcel is late).
    const tracking = this.byIntent.get("track");
    // Likewise a message about the parcel just shown ("这个什么时候能到", "还要多久"), even when the
    // engine reads a bare arrival question as a general one.
    const followUp =
      !parsed.entities.some((e) => e.type === "waybill") &&
      !!refersToLastParcel(info.state, text, this.now(), parsed.intent.name);
    if (
      tracking &&
      (followUp ||
        (!confident &&
          parsed.entities.some((e) => e.type === "waybill") &&
          ["track", "complaint", "none"].includes(parsed.intent.name)))
    ) {
      info.state.misunderstood = 0;
      info.intent = "track";
      if (info.state.flow && info.state.flow.name !== tracking.name) info.state.flow = undefined;
      await tracking.start(context, parsed, text);
      return;
    }
    for (const claimer of this.claimers) {
      if (await claimer.claim?.(context, parsed, text)) {
        info.state.misunderstood = 0;
        return;
      }
    }
    const flow = this.byIntent.get(parsed.intent.name);
    if (confident && flow && parsed.intent.name !== "none") {
      info.state.misunderstood = 0;
      // A new topic replaces an unfinished flow.
      if (info.state.flow && info.state.flow.name !== flow.name) info.state.flow = undefined;
      await flow.start(context, parsed, text);
      return;
    }
    await this.notUnderstood(context, parsed, confident, text);
  }

  /** Off-topic or unsure: say what the bot can do, or ask which of the likely intents was meant. */
  private async notUnderstood(
    context: TurnContext,
    parsed: NluResult,
    confident: boolean,
    text: string,
  ): Promise<void> {
    const info = turnInfo(context);
    for (const f of this.fallbacks) {
      if (await f.fallback?.(context, parsed, text)) {
        info.state.misunderstood = 0;
        return;
      }
    }
    // Confidently off-topic is understood (the answer is "here is what I can do"); only
    // messages the engine is unsure about count towards the handoff.
    if (!confident) info.state.misunderstood += 1;
    if (info.state.misunderstood >= MISUNDERSTOOD_LIMIT) {
      info.state.misunderstood = 0;
      const handoff = this.byIntent.get("human");
      if (handoff) {
        await handoff.start(context, parsed, "");
        return;
      }
    }
    if (!confident && parsed.intent.name !== "none") {
      // Distinct labels only (greeting and thanks share one; "转人工" is always offered last).
      const human = t(info.locale, "quick.human");
      const titles = [
        ...new Set(
          parsed.ranking
            .filter((r) => r.name !== "none" && this.byIntent.has(r.name))
            .map((r) => intentLabel(info.locale, r.name))
            .filter((title) => title !== human),
        ),
      ].slice(0, 3);
      if (titles.length) {
        info.state.clarifying = { text, at: this.now().toISOString() };
        await context.sendActivity(
          reply(
            t(info.locale, "clarify"),
            [...titles, human].map((title) => ({ title })),
          ),
        );
        return;
      }
    }
    await context.sendActivity(reply(t(info.locale, "capabilities"), mainMenu(info.locale)));
  }

  /**
   * An address is an entity, not the request: "I need a pickup tomorrow morning from No. 8 Keyuan
   * Road, Nanshan District, Shenzhen" was unsure (pickup 0.67; 0.90 without the address), its
   * street and district words outweighing the rest. When the engine is unsure and the message holds
   * an address, the rest is read alone; a confident request read so is taken (the entities stay
   * the whole message's; the flow reads the address from the whole message too).
   */
  private withoutAddress(text: string, parsed: NluResult, locale: Locale): NluResult {
    const address = addressIn(text);
    if (!address) return parsed;
    const rest = this.nlu.parse(text.replace(address, " "), { locale });
    if (rest.intent.confidence < ACTION_THRESHOLD || !ADDRESS_REQUESTS.has(rest.intent.name)) return parsed;
    return { ...parsed, intent: rest.intent, ranking: rest.ranking };
  }

  /** The intent whose button title (either language) the message is, if it is exactly one. */
  private intentOfLabel(text: string): IntentName | undefined {
    const said = text.trim().toLowerCase();
    if (!said || said.length > 24) return undefined;
    for (const intent of this.byIntent.keys()) {
      // "你好" stays the engine's; "none" shares 转人工's title.
      if (intent === "greeting" || intent === "thanks" || intent === "none") continue;
      for (const locale of LOCALES) if (intentLabel(locale, intent).toLowerCase() === said) return intent;
    }
    // The tracking flow's own buttons ("我最近的快递" was unsure as a message of its own).
    if (
      this.byIntent.has("track") &&
      TRACK_BUTTONS.some((key) => LOCALES.some((l) => tt(l, key).toLowerCase() === said))
    )
      return "track";
    return undefined;
  }
}

/** "Are you a bot / a real person?" on its own (not "我要真人" — that is a request for one). */
const ASKS_IF_BOT =
  /^(请问)?(你|您)?(是|是不是|到底是)(个|一个)?(机器人|人工|真人|人|ai|智能客服|自动回复|bot|robot)(吗|么|嘛|啊|呀|吧)?[?？!！。.\s]*$|^(are you|is this) (a |an )?(bot|robot|human|real person|real|person|ai|automated|machine)\??$/i;

/** A greeting needs less certainty to be answered as one: its answer (the menu) cannot mislead. */
export const GREETING_THRESHOLD = 0.6;
/** How long "您是想：" keeps the unclear message for the button the customer picks (10 min). */
const CLARIFY_TTL_MS = 10 * 60_000;
const LOCALES: readonly Locale[] = ["zh-CN", "en"];
const TRACK_BUTTONS = ["quick.recent", "quick.another"] as const;
/** The requests whose message carries an address (the new one, or where to pick up). */
const ADDRESS_REQUESTS: ReadonlySet<string> = new Set(["pickup", "address_change", "delivery_preference"]);

function intentLabel(locale: Locale, intent: IntentName): string {
  if (isRequestType(intent)) return typeLabel(locale, intent);
  const key = (
    {
      track: "quick.track",
      complaint: "quick.complain",
      complaint_progress: "quick.progress",
      human: "quick.human",
      inquiry: "quick.inquiry",
      suggestion: "quick.suggest",
      greeting: "quick.hello",
      thanks: "quick.hello",
      none: "quick.human",
    } as const satisfies Partial<Record<IntentName, TextKey>>
  )[intent];
  return t(locale, key);
}
