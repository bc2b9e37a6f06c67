import type { TurnContext } from "botbuilder";
import { reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { type Locale, t } from "../texts.js";
import { turnInfo } from "../turn-state.js";

export interface QueueStatus {
  /** Conversations already waiting for a human. */
  waiting: number;
  agentsOnline: number;
}

/**
 * 转人工: the conversation is queued for a human and the customer is told where they stand
 * (queue position) or, when nobody is online, the office hours. The bot stays silent while
 * an agent owns the conversation (the runtime checks Conversation.mode).
 */
export class HandoffFlow implements Flow {
  readonly name = "handoff";
  readonly intents = ["human"] as const;

  constructor(
    private readonly queueStatus: () => Promise<QueueStatus>,
    /** Told in the customer's language (OFFICE_HOURS, OFFICE_HOURS_EN). */
    private readonly officeHours: Record<Locale, string>,
  ) {}

  async start(context: TurnContext): Promise<void> {
    const info = turnInfo(context);
    info.state.flow = undefined;
    info.handoff = { reason: info.intent === "human" ? "customer_request" : "not_understood" };
    const status = await this.queueStatus();
    const text =
      status.agentsOnline > 0
        ? t(info.locale, "handoff.queued", { position: status.waiting + 1 })
        : t(info.locale, "handoff.offline", { hours: this.officeHours[info.locale] });
    await context.sendActivity(reply(text));
  }
}
