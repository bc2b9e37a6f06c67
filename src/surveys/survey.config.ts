/**
 * Survey questions, texts and timing are configuration, not code: the defaults below are
 * validated at start and may be overridden by a JSON file (SURVEY_CONFIG_FILE), merged key by
 * key over them. Questions follow 003 §4.2 (result: speed and effect; attitude; suggestions),
 * 004 (CSAT, FCR, NPS) and the regulator's 满意/基本满意/不满意 scale (domain.md).
 */
import fs from "node:fs";
import { z } from "zod";
import type { Locale } from "../conversation/texts.js";

const textsSchema = z.object({
  /**
   * First question; {number} is the ticket number, {resolution} the `resolution` line below when
   * the agent wrote one (003 §12.3.4: the outcome of feedback is made known), else empty.
   */
  overall: z.string().min(1),
  /** The agent's resolution as told in the first question; {resolution} is its text. */
  resolution: z.string().min(1),
  /** Appended on text-only channels (WeChat, SMS), where there are no buttons. */
  "overall.menu": z.string().min(1),
  "option.satisfied": z.string().min(1),
  "option.basically_satisfied": z.string().min(1),
  "option.dissatisfied": z.string().min(1),
  fcr: z.string().min(1),
  "fcr.menu": z.string().min(1),
  "option.yes": z.string().min(1),
  "option.no": z.string().min(1),
  whatWentWrong: z.string().min(1),
  /** Quick replies offered for "what went wrong" (free text is accepted too). */
  "whatWentWrong.options": z.array(z.string().min(1)).max(6),
  /** All three 1–5 ratings at once (rich channels). */
  ratings: z.string().min(1),
  speed: z.string().min(1),
  effect: z.string().min(1),
  attitude: z.string().min(1),
  nps: z.string().min(1),
  comment: z.string().min(1),
  skip: z.string().min(1),
  reask: z.string().min(1),
  reminder: z.string().min(1),
  thanks: z.string().min(1),
  "thanks.dissatisfied": z.string().min(1),
  ended: z.string().min(1),
});
export type SurveyTexts = z.infer<typeof textsSchema>;
export type SurveyTextKey = keyof SurveyTexts;

export const surveyConfigSchema = z.object({
  /** A reminder when nothing was answered this long after sending (issue 8: 24 h). */
  reminderHours: z.number().positive(),
  /** The survey closes this long after sending; the ticket closes with it. */
  windowHours: z.number().positive(),
  /** While a human still holds the conversation, sending waits and retries this often. */
  postponeMinutes: z.number().positive(),
  /**
   * A survey never interrupts a flow in progress (a complaint intake): it waits and looks again
   * this often, until the flow ends or the customer has been quiet for `quietMinutes`.
   */
  flowRecheckSeconds: z.number().positive(),
  quietMinutes: z.number().positive(),
  /** A 不满意 answer hands the conversation to the owning agent and alerts supervisors. */
  followUpDissatisfied: z.boolean(),
  /** Channels with buttons; the others get numbered menus in the text. */
  richChannels: z.array(z.string().min(1)),
  /** On text-only channels the three 1–5 ratings may be skipped to keep the survey short. */
  askRatingsOnTextChannels: z.boolean(),
  steps: z.object({
    fcr: z.boolean(),
    whatWentWrong: z.boolean(),
    ratings: z.boolean(),
    nps: z.boolean(),
    comment: z.boolean(),
  }),
  texts: z.object({ "zh-CN": textsSchema, en: textsSchema }),
});
export type SurveyConfig = z.infer<typeof surveyConfigSchema>;

export const DEFAULT_SURVEY_CONFIG: SurveyConfig = {
  reminderHours: 24,
  windowHours: 72,
  postponeMinutes: 10,
  flowRecheckSeconds: 30,
  quietMinutes: 10,
  followUpDissatisfied: true,
  richChannels: ["webchat", "botframework"],
  askRatingsOnTextChannels: false,
  steps: { fcr: true, whatWentWrong: true, ratings: true, nps: true, comment: true },
  texts: {
    "zh-CN": {
      overall: "您好，您反映的问题（工单 {number}）已处理完毕。{resolution}请问您对本次处理结果满意吗？",
      resolution: "处理结果：{resolution}。",
      "overall.menu": "请回复数字：1 满意，2 基本满意，3 不满意（也可回复 1–5 星）。",
      "option.satisfied": "满意",
      "option.basically_satisfied": "基本满意",
      "option.dissatisfied": "不满意",
      fcr: "很抱歉没能让您满意。请问您的问题解决了吗？",
      "fcr.menu": "请回复：1 已解决，2 未解决。",
      "option.yes": "已解决",
      "option.no": "未解决",
      whatWentWrong: "请告诉我们哪里做得不好，您的意见会直接转给主管：",
      "whatWentWrong.options": ["处理太慢", "问题没解决", "服务态度差"],
      ratings: "请为本次处理打分（1–5分，5分最好），依次为：处理速度、处理效果、服务态度，例如回复“5 4 5”。",
      speed: "请为处理速度打分（1–5分，5分最好）。",
      effect: "请为处理效果打分（1–5分）。",
      attitude: "请为客服的服务态度打分（1–5分）。",
      nps: "您有多大可能向亲友推荐我们的快递服务？请回复 0–10 的数字（10 表示非常愿意）。",
      comment: "最后，您对我们还有什么意见或建议吗？直接回复即可，没有请回复“没有”。",
      skip: "跳过",
      reask: "抱歉，没能看懂您的回答。{question}",
      reminder: "温馨提示：工单 {number} 的满意度评价还没有完成，占用您一分钟，谢谢！",
      thanks: "感谢您的评价，祝您生活愉快！",
      "thanks.dissatisfied": "感谢您的反馈，非常抱歉给您带来不便。负责的客服会尽快联系您跟进处理。",
      ended: "好的，不再打扰您，感谢您的反馈！如有需要随时找我。",
    },
    en: {
      overall:
        "Hello, the problem you reported (ticket {number}) has been handled. {resolution}Are you satisfied with the result?",
      resolution: "Result: {resolution}. ",
      "overall.menu": "Please reply 1 satisfied, 2 basically satisfied, 3 dissatisfied (or 1–5 stars).",
      "option.satisfied": "Satisfied",
      "option.basically_satisfied": "Basically satisfied",
      "option.dissatisfied": "Dissatisfied",
      fcr: "We're sorry we didn't satisfy you. Was your problem solved?",
      "fcr.menu": "Please reply 1 solved, 2 not solved.",
      "option.yes": "Solved",
      "option.no": "Not solved",
      whatWentWrong: "Please tell us what went wrong; a supervisor will read it:",
      "whatWentWrong.options": ["Too slow", "Problem not solved", "Rude service"],
      ratings: 'Please rate the handling from 1 to 5 (5 is best): speed, result, attitude, e.g. reply "5 4 5".',
      speed: "Please rate the speed of handling from 1 to 5 (5 is best).",
      effect: "Please rate the result from 1 to 5.",
      attitude: "Please rate the agent's attitude from 1 to 5.",
      nps: "How likely are you to recommend our delivery service to friends? Reply a number from 0 to 10.",
      comment: 'Finally, any comments or suggestions? Just reply; or reply "no" to finish.',
      skip: "Skip",
      reask: "Sorry, I didn't get that. {question}",
      reminder:
        "A reminder: the satisfaction survey for ticket {number} is still open. It takes one minute, thank you!",
      thanks: "Thank you for your feedback. Have a nice day!",
      "thanks.dissatisfied":
        "Thank you for telling us, and we're sorry for the trouble. The agent in charge will contact you to follow up.",
      ended: "OK, we won't bother you further. Thank you for your feedback!",
    },
  },
};

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep merge of plain objects; arrays and scalars in `over` replace. */
export function mergeConfig<T>(base: T, over: unknown): T {
  if (!isPlain(base) || !isPlain(over)) return (over === undefined ? base : over) as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeConfig(out[k], v) : v;
  return out as T;
}

export class SurveyConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

/** Loads the defaults, merged with the JSON file when given; every bad field is named. */
export function loadSurveyConfig(file?: string): SurveyConfig {
  let over: unknown;
  if (file) {
    try {
      over = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new SurveyConfigError(`SURVEY_CONFIG_FILE ${file}: ${(err as Error).message}`);
    }
  }
  const parsed = surveyConfigSchema.safeParse(mergeConfig(DEFAULT_SURVEY_CONFIG, over));
  if (!parsed.success)
    throw new SurveyConfigError(
      `SURVEY_CONFIG_FILE ${file}:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  return parsed.data;
}

/** A text with {variables} filled in. */
export function surveyText(
  cfg: SurveyConfig,
  locale: Locale,
  key: Exclude<SurveyTextKey, "whatWentWrong.options">,
  vars?: Record<string, string | number>,
): string {
  const template = cfg.texts[locale][key];
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : template;
}
