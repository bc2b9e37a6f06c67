import { ActionTypes, type Activity, ActivityHandler, MessageFactory, type TurnContext } from "botbuilder";
import { toSimplifiedScript } from "../../intents/index.js";
import type { QuickReply } from "../channel/channel.js";
import { scriptOf, toTraditional } from "./script.js";
import { type Locale, t } from "./texts.js";
import { type DialogState, turnInfo } from "./turn-state.js";

/** Builds a message activity with quick replies (botbuilder suggested actions). */
/**
 * A bot message, with its choices as suggested actions. Choices the customer sees are distinct:
 * a label offered twice (greeting and thanks both read 你好) is shown once, the first kept.
 */
export function reply(text: string, quickReplies?: QuickReply[]): Partial<Activity> {
  const seen = new Set<string>();
  const distinct = (quickReplies ?? []).filter((q) => !seen.has(q.title) && seen.add(q.title));
  if (!distinct.length) return MessageFactory.text(text);
  return MessageFactory.suggestedActions(
    distinct.map((q) => ({ type: ActionTypes.ImBack, title: q.title, value: q.value ?? q.title })),
    text,
  );
}

export function mainMenu(locale: Locale): QuickReply[] {
  return [
    { title: t(locale, "quick.track") },
    { title: t(locale, "quick.complain") },
    { title: t(locale, "quick.progress") },
    { title: t(locale, "quick.human") },
  ];
}

/**
 * A reply that is just the number of one of the choices the bot last offered means that choice
 * (the welcome lists "1. 查询快递进度 … 4. 转人工客服"; SMS and WeChat text show choices numbered).
 * Not inside a survey: its questions ask for numbers (1–5 stars, 0–10) themselves.
 */
export function choiceByNumber(state: DialogState, text: string): string {
  const m = /^\s*(\d{1,2})\s*[.、。．)）]?\s*$/u.exec(text.normalize("NFKC"));
  if (!m || state.flow?.name === "survey") return text;
  return state.choices?.[Number(m[1]) - 1] ?? text;
}

/** Handles one customer message; the flows plug in through a MessageRouter. */
export interface MessageRouter {
  route(context: TurnContext, text: string): Promise<void>;
}

/**
 * Answers a customer's image (issue 17; src/images/image.turn.ts): evidence for a complaint or
 * claim, or the waybill numbers read from it, routed like typed text through `route`.
 */
export interface ImageTurnHandler {
  handle(context: TurnContext, route: (text: string) => Promise<void>): Promise<void>;
}

/** The bot: one ActivityHandler for every channel. */
export class KuaidiBot extends ActivityHandler {
  constructor(
    private readonly router: MessageRouter,
    private readonly images?: ImageTurnHandler,
  ) {
    super();
    this.onTurn(async (context, next) => {
      // Remember the choices of the last reply sent (none: numbers mean nothing next turn).
      context.onSendActivities(async (ctx, activities, send) => {
        const state = turnInfo(ctx).state;
        const convert = state.script ? await toTraditional(state.script) : undefined;
        for (const a of activities) {
          if (a.type !== "message") continue;
          if (convert) {
            // In the customer's script, buttons too (a tapped 沒有單號 is read as 没有单号 again).
            if (a.text) a.text = convert(a.text);
            for (const x of a.suggestedActions?.actions ?? []) {
              x.title = convert(x.title);
              if (typeof x.value === "string") x.value = convert(x.value);
            }
          }
          const values = (a.suggestedActions?.actions ?? []).map((x) => String(x.value ?? x.title));
          state.choices = values.length ? values : undefined;
        }
        return send();
      });
      await next();
    });
    this.onMessage(async (context, next) => {
      const info = turnInfo(context);
      // Written in traditional characters, read as simplified: the flows' words (没有单号, 确认,
      // 取消) and the stored descriptions are simplified; the message log keeps what was typed.
      const typed = choiceByNumber(info.state, (context.activity.text ?? "").trim());
      const text = toSimplifiedScript(typed);
      const script = scriptOf(typed, text);
      if (script !== undefined) info.state.script = script ?? undefined;
      const kind = (context.activity.channelData as { kind?: string } | undefined)?.kind;
      if (kind === "image" && this.images) {
        await this.images.handle(context, (routed) => this.router.route(context, routed));
      } else if (kind === "unsupported" || kind === "image") {
        await context.sendActivity(reply(t(info.locale, "error.unsupported")));
      } else if (!text) {
        await context.sendActivity(reply(t(info.locale, "error.empty"), mainMenu(info.locale)));
      } else {
        await this.router.route(context, text);
      }
      await next();
    });
    this.onEvent(async (context, next) => {
      // Subscribe / conversation-start events: greet.
      const info = turnInfo(context);
      await context.sendActivity(reply(t(info.locale, "greeting"), mainMenu(info.locale)));
      await next();
    });
  }
}

/** Extracts text and quick replies from an outgoing activity. */
export function fromActivity(activity: Partial<Activity>): { text: string; quickReplies?: QuickReply[] } {
  const actions = activity.suggestedActions?.actions ?? [];
  const quickReplies = actions.map((a) => ({ title: a.title ?? String(a.value), value: String(a.value ?? a.title) }));
  return { text: activity.text ?? "", ...(quickReplies.length ? { quickReplies } : {}) };
}
