import type { TurnContext } from "botbuilder";
import { ACTION_THRESHOLD, type NluResult } from "../../../intents/index.js";
import { surveyText } from "../../surveys/survey.config.js";
import { isStop, nextStep, type Parsed, parseAnswer, type Step } from "../../surveys/survey.rules.js";
import { SURVEY_FLOW, type SurveyService } from "../../surveys/survey.service.js";
import { reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { turnInfo } from "../turn-state.js";
import { isSubstantive } from "./complaint.flow.js";

/**
 * Requests that leave the survey for the router rather than count as a wrong answer: the
 * service requests and a confident question too ("帮我改一下收货地址" mid-survey got "没能看懂").
 */
const LEAVING_INTENTS = new Set([
  "track",
  "complaint",
  "complaint_progress",
  "human",
  "urge",
  "address_change",
  "pickup",
  "delivery_preference",
  "claim",
  "inquiry",
  "suggestion",
]);

/** Asking for a new complaint in so many words leaves the survey; other grievances are remarks. */
const NEW_COMPLAINT =
  /(我要|还要|再|重新|继续)投诉|投诉(你们|他|她)|另(外)?一个|还有一个|(another|new|second) complaint|(want|like) to (make a |file a )?complain/i;

/**
 * A remark instead of the answer asked for, kept as the survey's comment: "the agent was helpful but
 * it took too long" at the ratings left the survey and opened a new DELAY complaint (session 12).
 * At the first question a grievance about the handling ("太慢了，等了三天") is a 不满意 with its
 * reason; at the later ones any remark of a few words skips the question it was given for. A
 * waybill, or a new complaint said in so many words, is not a remark (the survey is left as before).
 */
function asRemark(step: Step, parsed: NluResult, text: string): Parsed {
  const trimmed = text.trim();
  if (parsed.entities.some((e) => e.type === "waybill") || NEW_COMPLAINT.test(trimmed)) return { ok: false };
  if (!isSubstantive(trimmed, parsed) || !saysSomething(trimmed)) return { ok: false };
  const comment = trimmed.slice(0, 2000);
  if (step === "overall")
    return parsed.intent.name === "complaint"
      ? { ok: true, patch: { overall: "dissatisfied", comment }, value: "dissatisfied" }
      : { ok: false };
  if (step === "comment" || step === "whatWentWrong") return { ok: false };
  if (
    parsed.intent.name !== "complaint" &&
    LEAVING_INTENTS.has(parsed.intent.name) &&
    parsed.intent.confidence >= ACTION_THRESHOLD
  )
    return { ok: false };
  return { ok: true, patch: { comment }, value: "" };
}

/** Words, not noises: "嗯嗯嗯嗯" / "哈哈哈哈" are not a remark (three different characters at least). */
function saysSomething(text: string): boolean {
  const han = new Set(text.replace(/[嗯哦噢啊呀哈呵额呃唔]/gu, "").match(/\p{Script=Han}/gu) ?? []);
  return han.size >= 3 || (text.match(/[a-z']{2,}/gi) ?? []).length >= 3;
}

/**
 * The satisfaction survey in the customer's chat. It is never started by an intent: the
 * scheduler sends the first question and sets DialogState.flow, and from then on every
 * customer message comes here first. Answers that don't fit get one gentle re-ask, then
 * the survey ends; "不用了" ends it at any point; partial answers count.
 */
export class SurveyFlow implements Flow {
  readonly name = SURVEY_FLOW;
  readonly intents = [] as const;

  constructor(private readonly surveys: SurveyService) {}

  async start(): Promise<void> {
    // Not reachable: no intent starts a survey.
  }

  async resume(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    const info = turnInfo(context);
    const surveyId = info.state.flow?.data.surveyId;
    const survey = typeof surveyId === "string" ? await this.surveys.active(surveyId) : undefined;
    if (!survey?.step) {
      // Closed meanwhile (window over): the message is a new topic.
      info.state.flow = undefined;
      return false;
    }
    const cfg = this.surveys.config;
    const { locale } = info;
    const step = survey.step;
    const done = async (
      key: "thanks" | "thanks.dissatisfied" | "ended",
      reason: "completed" | "stopped" | "unreadable",
    ) => {
      info.state.flow = undefined;
      await context.sendActivity(reply(surveyText(cfg, locale, key)));
      await this.surveys.end(survey.id, reason);
    };

    if (isStop(text)) {
      await done("ended", "stopped");
      return true;
    }
    let answer = parseAnswer(cfg, step, text);
    if (!answer.ok) answer = asRemark(step, parsed, text);
    if (!answer.ok) {
      // A clear other request (a waybill to track, "转人工") ends the survey and is answered.
      const leaving =
        parsed.intent.confidence >= ACTION_THRESHOLD &&
        LEAVING_INTENTS.has(parsed.intent.name) &&
        (parsed.intent.name !== "track" || parsed.entities.some((e) => e.type === "waybill"));
      if (leaving) {
        info.state.flow = undefined;
        await this.surveys.end(survey.id, "stopped");
        return false;
      }
      if (survey.reasks >= 1) {
        await done("ended", "unreadable");
        return true;
      }
      await this.surveys.reask(survey.id, step);
      const q = this.surveys.question(step, locale, survey.channel, survey.ticketNumber);
      await context.sendActivity(reply(surveyText(cfg, locale, "reask", { question: q.text }), q.quickReplies));
      return true;
    }

    const overall = answer.patch.overall ?? survey.overall;
    const rich = this.surveys.isRich(survey.channel);
    let next = nextStep(cfg, step, { overall, rich }) ?? null;
    // The remark already given is the comment: not asked for again.
    if (next === "comment" && answer.patch.comment) next = nextStep(cfg, next, { overall, rich }) ?? null;
    const stored = await this.surveys.answer(survey.id, step, text, answer.value, answer.patch, next);
    if (!stored) {
      info.state.flow = undefined;
      return false;
    }
    if (!next) {
      await done(overall === "dissatisfied" ? "thanks.dissatisfied" : "thanks", "completed");
      return true;
    }
    info.state.flow = { name: SURVEY_FLOW, step: next as Step, data: { surveyId: survey.id } };
    const q = this.surveys.question(next, locale, survey.channel, survey.ticketNumber);
    await context.sendActivity(reply(q.text, q.quickReplies));
    return true;
  }
}
