import { describe, expect, it } from "vitest";
import { OPT_IN_WORDS, OPT_OUT_WORDS } from "../../channels/sms/sms.channel.js";
import { SMS_TEXTS } from "../../channels/sms/sms.texts.js";
import { COMPLAINT_TEXTS } from "../../src/conversation/flows/complaint.texts.js";
import { TRACK_TEXTS } from "../../src/conversation/flows/track.texts.js";
import { BOT_TEXTS } from "../../src/conversation/texts.js";
import { DEFAULT_SURVEY_CONFIG } from "../../src/surveys/survey.config.js";

/** Every text the bot may send, in every locale (quick-reply labels included). */
function allBotTexts(): string[] {
  const tables = [BOT_TEXTS, COMPLAINT_TEXTS, TRACK_TEXTS, SMS_TEXTS, DEFAULT_SURVEY_CONFIG.texts];
  return tables.flatMap((t) => Object.values(t).flatMap((table) => Object.values(table).flat().map(String)));
}

describe("bot texts and SMS opt-out words (domain.md, Channel conventions)", () => {
  it("never suggest replying with a word that unsubscribes the number", () => {
    const offenders: string[] = [];
    for (const text of allBotTexts()) {
      // A suggested reply is quoted (“…”, "…", 「…」) or a whole quick-reply label.
      const quoted = [...text.matchAll(/[“"「']([^”"」']{1,20})[”"」']/g)].map((m) => m[1]!);
      for (const word of [...quoted, text]) if (OPT_OUT_WORDS.has(word.trim().toUpperCase())) offenders.push(text);
    }
    expect(offenders).toEqual([]);
  });
  it("lists exactly the documented words; 取消 is not one", () => {
    expect([...OPT_OUT_WORDS].sort()).toEqual(
      ["TD", "退订", "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"].sort(),
    );
    expect(OPT_OUT_WORDS.has("取消")).toBe(false);
    expect([...OPT_IN_WORDS].sort()).toEqual(["START", "UNSTOP", "订阅"].sort());
  });
});
