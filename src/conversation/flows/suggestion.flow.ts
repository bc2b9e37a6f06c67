import type { TurnContext } from "botbuilder";
import { ACTION_THRESHOLD, type NluResult } from "../../../intents/index.js";
import type { FeedbackInput } from "../../feedback/feedback.service.js";
import { reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { turnInfo } from "../turn-state.js";
import { isButtonTitle, movesOn } from "./knowledge.flow.js";
import { kt } from "./knowledge.texts.js";

export interface SuggestionDeps {
  feedback: {
    record(input: FeedbackInput): Promise<string>;
    append(id: string, more: string): Promise<void>;
  };
}

/**
 * 建议 (003 §8.2): thanked in plain words and kept as a record; the customer's next message,
 * unless it is clearly something else, is added to the same suggestion.
 */
export class SuggestionFlow implements Flow {
  readonly name = "suggestion";
  readonly intents = ["suggestion"] as const;

  constructor(private readonly deps: SuggestionDeps) {}

  async start(context: TurnContext, _parsed: NluResult, text: string): Promise<void> {
    const info = turnInfo(context);
    // The 提建议 button alone is no suggestion: ask for it rather than file "提建议".
    if (isButtonTitle(text, "quick.suggest")) {
      info.state.flow = { name: this.name, step: "ask", data: {} };
      await context.sendActivity(reply(kt(info.locale, "suggest.ask")));
      return;
    }
    const id = await this.deps.feedback.record({
      type: "suggestion",
      text,
      customerId: info.customerId,
      conversationId: info.conversationId,
      channel: info.channel,
      locale: info.locale,
      status: "new",
    });
    info.state.flow = { name: this.name, step: "thanked", data: { feedbackId: id } };
    await context.sendActivity(reply(kt(info.locale, "suggest.thanks")));
  }

  async resume(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    const info = turnInfo(context);
    if (info.state.flow?.step === "ask") {
      info.state.flow = undefined;
      if (movesOn(parsed, "suggestion")) return false;
      info.intent = "suggestion";
      await this.start(context, parsed, text);
      return true;
    }
    const id = info.state.flow?.data.feedbackId;
    info.state.flow = undefined;
    const other =
      parsed.entities.some((e) => e.type === "waybill") ||
      (parsed.intent.confidence >= ACTION_THRESHOLD && !["suggestion", "none"].includes(parsed.intent.name));
    if (typeof id !== "string" || other) return false;
    await this.deps.feedback.append(id, text);
    await context.sendActivity(reply(kt(info.locale, "suggest.added")));
    return true;
  }
}
