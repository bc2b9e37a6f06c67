import type { TurnContext } from "botbuilder";
import { mainMenu, reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { t } from "../texts.js";
import { turnInfo } from "../turn-state.js";

/** Greetings and thanks: short, friendly, and always say what the bot can do. */
export class SmallTalkFlow implements Flow {
  readonly name = "small_talk";
  readonly intents = ["greeting", "thanks"] as const;

  async start(context: TurnContext, parsed: { intent: { name: string } }): Promise<void> {
    const { locale } = turnInfo(context);
    if (parsed.intent.name === "thanks") await context.sendActivity(reply(t(locale, "thanks")));
    else await context.sendActivity(reply(t(locale, "greeting"), mainMenu(locale)));
  }
}
