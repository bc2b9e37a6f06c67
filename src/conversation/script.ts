import { hasSimplifiedOnly } from "../../intents/index.js";

/**
 * Replies in the customer's script: a customer writing traditional characters (Hong Kong,
 * Macao, Taiwan) is answered in traditional characters — Hong Kong forms when the message is
 * Cantonese, Taiwan forms otherwise — and one writing simplified characters again in simplified.
 * The bot's texts are written in simplified Chinese; OpenCC converts them on the way out.
 */
export type TraditionalScript = "hk" | "tw";

/** Written Cantonese particles (嘅 咗 唔 佢 嘢 喺 冇 係 噉 啲 嚟): Hong Kong forms. */
const CANTONESE = /[嘅咗唔佢嘢喺冇係噉啲嚟]/u;

/**
 * The script to answer a message in, given the message as typed and as `toSimplifiedScript` read
 * it: "hk"/"tw" when it holds traditional characters, null when it holds simplified-only ones,
 * undefined when neither ("好的", "5", a waybill: keep the script used before).
 */
export function scriptOf(typed: string, simplified: string): TraditionalScript | null | undefined {
  if (simplified !== typed) return CANTONESE.test(typed) ? "hk" : "tw";
  return hasSimplifiedOnly(typed) ? null : undefined;
}

type Convert = (text: string) => string;
const converters = new Map<TraditionalScript, Promise<Convert>>();

/** The simplified → traditional converter for a script, loaded on first use (1 MB of tables). */
export function toTraditional(script: TraditionalScript): Promise<Convert> {
  let c = converters.get(script);
  if (!c) {
    c = import("opencc-js/cn2t").then(({ Converter }) => Converter({ from: "cn", to: script }));
    converters.set(script, c);
  }
  return c;
}
