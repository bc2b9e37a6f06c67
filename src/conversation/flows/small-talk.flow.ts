import type { TurnContext } from "botbuilder";
import { mainMenu, reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { t } from "../texts.js";
import { turnInfo } from "../turn-state.js";

/**
 * "好的", "知道了", "ok", 👍: an acknowledgement, not thanks ("不客气" to "好的" reads as not
 * listening, and to a thumbs-up sent as the first message as if something had been done).
 */
const ACKNOWLEDGEMENT =
  /^(好的?|好吧|好嘞|行|行吧|嗯+|哦+|噢|知道了|明白了?|了解了?|收到|ok|okay|got it|alright|fine|(?:(?:👍|👌|🆗)[\u{1F3FB}-\u{1F3FF}]?)+)[。.!！~～]*$/iu;

/** Greetings and thanks: short, friendly, and always say what the bot can do. */
export class SmallTalkFlow implements Flow {
  readonly name = "small_talk";
  readonly intents = ["greeting", "thanks"] as const;

  async start(context: TurnContext, parsed: { intent: { name: string } }, text = ""): Promise<void> {
    const { locale } = turnInfo(context);
    if (parsed.intent.name === "thanks")
      await context.sendActivity(reply(t(locale, ACKNOWLEDGEMENT.test(text.trim()) ? "ack" : "thanks")));
    else await context.sendActivity(reply(t(locale, "greeting"), mainMenu(locale)));
  }
}
