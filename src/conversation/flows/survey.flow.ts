import type { TurnContext } from "botbuilder";
import { ACTION_THRESHOLD, type NluResult } from "../../../intents/index.js";
import { surveyText } from "../../surveys/survey.config.js";
import { isStop, nextStep, parseAnswer, type Step } from "../../surveys/survey.rules.js";
import { SURVEY_FLOW, type SurveyService } from "../../surveys/survey.service.js";
import { reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { turnInfo } from "../turn-state.js";

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
    const answer = parseAnswer(cfg, step, text);
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
    const next = nextStep(cfg, step, { overall, rich }) ?? null;
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
