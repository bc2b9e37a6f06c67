/**
 * The survey's questions in order and how a free-text answer is read (pure). Customers on
 * WeChat and SMS answer in words, menu digits or stars; on web chat they tap a button.
 */
import type { SurveyConfig } from "./survey.config.js";

export const OVERALL = ["satisfied", "basically_satisfied", "dissatisfied"] as const;
export type Overall = (typeof OVERALL)[number];

export type Step =
  | "overall"
  | "fcr"
  | "whatWentWrong"
  | "ratings"
  | "speed"
  | "effect"
  | "attitude"
  | "nps"
  | "comment";

/** The columns of Survey an answer may set. */
export interface AnswerPatch {
  overall?: Overall;
  stars?: number;
  fcr?: boolean;
  whatWentWrong?: string;
  speed?: number;
  effect?: number;
  attitude?: number;
  nps?: number;
  comment?: string;
}

export type Parsed = { ok: true; patch: AnswerPatch; value: string } | { ok: false };

export interface StepContext {
  overall?: Overall | null | undefined;
  /** Whether the channel shows buttons (all three ratings in one message). */
  rich: boolean;
}

/** The step after `current` (undefined: the survey is complete). */
export function nextStep(cfg: SurveyConfig, current: Step | undefined, ctx: StepContext): Step | undefined {
  const order: Step[] = ["overall"];
  if (ctx.overall === "dissatisfied") {
    if (cfg.steps.fcr) order.push("fcr");
    if (cfg.steps.whatWentWrong) order.push("whatWentWrong");
  }
  if (cfg.steps.ratings) {
    if (ctx.rich) order.push("ratings");
    else if (cfg.askRatingsOnTextChannels) order.push("speed", "effect", "attitude");
  }
  if (cfg.steps.nps) order.push("nps");
  if (cfg.steps.comment) order.push("comment");
  if (current === undefined) return order[0];
  const i = order.indexOf(current);
  return i < 0 ? undefined : order[i + 1];
}

/** Full-width digits and letters to ASCII, trimmed, trailing punctuation dropped. */
export function normaliseAnswer(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, " ")
    .trim()
    .replace(/[\s.!?。！？~～]+$/u, "")
    .trim();
}

/** "I don't want to answer any more": ends the survey, partial answers count. */
const STOP_RE =
  /^(不用了?|不想(回答|评价|评)了?|别问了|不评了?|不需要|结束|停止|退订|td|stop|unsubscribe|no more|don'?t ask)$/i;
export const isStop = (text: string): boolean => STOP_RE.test(normaliseAnswer(text));

const SKIP_RE = /^(跳过|略过|skip|pass)$/i;
const NONE_RE = /^(没有了?|无|没|没了|没有意见|没有建议|暂无|no|none|nothing|nope|n\/a)$/i;

/** Stars to the regulator's three-level scale: 4–5 satisfied, 3 basically, 1–2 dissatisfied. */
export function starsToOverall(stars: number): Overall {
  return stars >= 4 ? "satisfied" : stars === 3 ? "basically_satisfied" : "dissatisfied";
}

/**
 * The overall answer. Words (中文 or English, with common variants), the menu digits 1/2/3,
 * explicit stars ("4星", "★★★★", "5 stars"), or a bare 4 or 5 (only stars go that high).
 * A bare 1–3 follows the menu shown with the question, not the star scale.
 */
export function parseOverall(cfg: SurveyConfig, raw: string): Parsed {
  const text = normaliseAnswer(raw);
  const lower = text.toLowerCase();
  const labelled = (o: Overall): Parsed => ({ ok: true, patch: { overall: o }, value: o });
  for (const texts of Object.values(cfg.texts)) {
    for (const o of OVERALL) if (lower === texts[`option.${o}`].toLowerCase()) return labelled(o);
  }
  const starGlyphs = (text.match(/[★⭐]/gu) ?? []).length;
  const starMatch = /^([1-5])\s*(星|颗星|分|stars?|points?)$/i.exec(text);
  const stars =
    starGlyphs >= 1 && starGlyphs <= 5 && /^[★⭐☆\s]+$/u.test(text)
      ? starGlyphs
      : starMatch
        ? Number(starMatch[1])
        : undefined;
  if (stars !== undefined) return { ok: true, patch: { stars, overall: starsToOverall(stars) }, value: `${stars}*` };
  if (/^[1-5]$/.test(text)) {
    const n = Number(text);
    if (n <= 3) return labelled(OVERALL[n - 1] as Overall);
    return { ok: true, patch: { stars: n, overall: starsToOverall(n) }, value: `${n}*` };
  }
  // Negations first: "不满意" contains "满意".
  const dissatisfied =
    /^(非常|很|特别|极其|太)?不(太)?满意|^(差|很差|太差|非常差|糟糕|太糟糕)|^(很|非常|太)?(失望|不好|不太好|不怎么样|不行)|^((very|really) )?(not |un|dis)satisfied|^(bad|terrible|poor|awful|horrible|disappointed|unhappy)|^(no|nope|not really|not at all|not (very |really )?(happy|good))\b(?![\s,，]*(problem|complaints?|issues?|worries)\b)/i.exec(
      lower,
    );
  if (dissatisfied) return withRemark(labelled("dissatisfied"), text, dissatisfied[0].length, raw);
  const basically =
    /^(基本|比较|还算|一般|还行|还可以|凑合|马马虎虎)|^(basically|fairly|somewhat|ok|okay|so-so|average|fine)\b/i.exec(
      lower,
    );
  if (basically) return withRemark(labelled("basically_satisfied"), text, basically[0].length, raw);
  // Praise must be the whole answer ("满意度是什么" is a question, not an answer), bar a thank-you:
  // "yes, thanks" / "满意，谢谢" to "are you satisfied?" were re-asked.
  const praise = lower.replace(THANKS_TAIL, "").trim();
  if (
    /^((非常|很|特别|十分|挺)?满意|好|很好|非常好|挺好|不错|很不错|棒|很棒|赞|👍|是的?|对|满意的|没问题|没毛病)(的|了|啦|吧|呀|哦)?$|^(yes|yeah|yep|yup|sure|of course|all good|perfect|no (complaints?|problems?)|(yes,? )?(i am|very much)|(very |really |fully )?(satisfied|happy|good|great|excellent))$/iu.test(
      praise,
    ) ||
    (praise === "" && lower !== "")
  )
    return labelled("satisfied");
  // "yes, it was quick" / "是的，很快": a yes and a remark ("是不是…" is a question, not a yes).
  const yes = /^(yes|yeah|yep)\b[\s,，.。!！]*|^(是的|是啊|对的|对)[\s,，.。!！]+/iu.exec(lower);
  if (yes) return withRemark(labelled("satisfied"), text, yes[0].length, raw);
  return { ok: false };
}

/** A thank-you said with the answer ("yes, thanks", "满意，谢谢你们"), not part of it. */
const THANKS_TAIL =
  /[\s,，。.!！~～]*(thanks?( you)?( so much| very much| a lot)?|thx|cheers|谢谢(你们?|您)?(了|啦)?|多谢|感谢(你们?|您)?)[\s,，。.!！~～]*$/iu;

/**
 * "还行吧，就是有点慢": the rating, and the words after it kept as the survey's comment (the whole
 * answer, so the remark reads as the customer said it) — a supervisor reads why, not only the level.
 */
function withRemark(parsed: Parsed, text: string, matched: number, raw: string): Parsed {
  // "比较满意" / "fairly satisfied" is the rating said in full, not a remark.
  const rest = text
    .slice(matched)
    .replace(/^[\s,，。.!！、;；:：~～吧啊呀哦了的]*(满意|satisfied)?[\s,，。.!！、;；:：~～吧啊呀哦了的]*/iu, "");
  if (!parsed.ok || (rest.match(/[\p{Script=Han}A-Za-z]/gu) ?? []).length < 2) return parsed;
  return { ...parsed, patch: { ...parsed.patch, comment: raw.trim().slice(0, 2000) } };
}

export function parseYesNo(cfg: SurveyConfig, raw: string): Parsed {
  const text = normaliseAnswer(raw).toLowerCase();
  const yes = (v: boolean): Parsed => ({ ok: true, patch: { fcr: v }, value: v ? "yes" : "no" });
  for (const texts of Object.values(cfg.texts)) {
    if (text === texts["option.yes"].toLowerCase()) return yes(true);
    if (text === texts["option.no"].toLowerCase()) return yes(false);
  }
  if (/^(1|是|是的|对|解决了|已解决|已经解决了?|yes|y|solved|resolved)$/.test(text)) return yes(true);
  if (/^(2|否|不是|没有?|没解决|未解决|还没(有)?解决|没有解决|no|n|not solved|unsolved)$/.test(text)) return yes(false);
  return { ok: false };
}

const RATING_LABELS: [keyof AnswerPatch & ("speed" | "effect" | "attitude"), RegExp][] = [
  ["speed", /(速度|时效|speed)\D{0,3}([1-5])/i],
  ["effect", /(效果|结果|result|effect)\D{0,3}([1-5])/i],
  ["attitude", /(态度|attitude)\D{0,3}([1-5])/i],
];

/** All three ratings at once: "5 4 5", "速度5 效果4 态度5", or one digit for all ("都是5分"). */
export function parseRatings(raw: string): Parsed {
  const text = normaliseAnswer(raw);
  const labelled: AnswerPatch = {};
  for (const [key, re] of RATING_LABELS) {
    const m = re.exec(text);
    if (m) labelled[key] = Number(m[2]);
  }
  if (Object.keys(labelled).length === 3) return { ok: true, patch: labelled, value: ratingValue(labelled) };
  const digits = text.match(/\d+/g) ?? [];
  if (digits.length === 3 && digits.every((d) => /^[1-5]$/.test(d))) {
    const [speed, effect, attitude] = digits.map(Number) as [number, number, number];
    const patch = { speed, effect, attitude };
    return { ok: true, patch, value: ratingValue(patch) };
  }
  if (
    digits.length === 1 &&
    /^[1-5]$/.test(digits[0] ?? "") &&
    /^(都是?|全部?|all)?\s*[1-5]\s*(分|星|stars?|points?)?$/i.test(text)
  ) {
    const n = Number(digits[0]);
    const patch = { speed: n, effect: n, attitude: n };
    return { ok: true, patch, value: ratingValue(patch) };
  }
  return { ok: false };
}

const ratingValue = (p: AnswerPatch) => `${p.speed}/${p.effect}/${p.attitude}`;

/** One 1–5 rating (text channels ask speed, effect and attitude one by one). */
export function parseRating(key: "speed" | "effect" | "attitude", raw: string): Parsed {
  const text = normaliseAnswer(raw);
  const m =
    /^([1-5])\s*(分|星|stars?|points?)?$/i.exec(text) ??
    (/^[★⭐]{1,5}$/u.test(text) ? [text, String([...text].length)] : null);
  if (!m) return { ok: false };
  const n = Number(m[1]);
  return { ok: true, patch: { [key]: n }, value: String(n) };
}

/** NPS: one whole number 0–10 ("9", "10分", "打8分"). */
export function parseNps(raw: string): Parsed {
  const text = normaliseAnswer(raw);
  const m = /^(?:打|给)?\s*(\d{1,2})\s*(分|points?)?$/i.exec(text);
  if (!m) return { ok: false };
  const n = Number(m[1]);
  if (n < 0 || n > 10) return { ok: false };
  return { ok: true, patch: { nps: n }, value: String(n) };
}

/** Free text; "没有"/"no" means nothing to add (a valid answer that stores no comment). */
export function parseText(key: "comment" | "whatWentWrong", raw: string): Parsed {
  const text = raw.trim();
  if (!text) return { ok: false };
  if (NONE_RE.test(normaliseAnswer(text))) return { ok: true, patch: {}, value: "" };
  return { ok: true, patch: { [key]: text.slice(0, 2000) }, value: text.slice(0, 2000) };
}

export function isSkip(raw: string): boolean {
  return SKIP_RE.test(normaliseAnswer(raw));
}

/** Reads an answer to `step`. "跳过/skip" is a valid answer to every step but the first. */
export function parseAnswer(cfg: SurveyConfig, step: Step, raw: string): Parsed {
  if (step !== "overall" && isSkip(raw)) return { ok: true, patch: {}, value: "" };
  switch (step) {
    case "overall":
      return parseOverall(cfg, raw);
    case "fcr":
      return parseYesNo(cfg, raw);
    case "whatWentWrong":
      return parseText("whatWentWrong", raw);
    case "ratings":
      return parseRatings(raw);
    case "speed":
    case "effect":
    case "attitude":
      return parseRating(step, raw);
    case "nps":
      return parseNps(raw);
    case "comment":
      return parseText("comment", raw);
  }
}
