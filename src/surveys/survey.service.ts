import type { Logger } from "pino";
import type { QuickReply } from "../channel/channel.js";
import type { ConversationService } from "../conversation/conversation.service.js";
import { type Locale, toLocale } from "../conversation/texts.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishScopeChanged } from "../realtime/scope.js";
import { AGENTS_TOPIC } from "../realtime/topics.js";
import { runLimited } from "../scheduler/embedded.scheduler.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import type { TicketService } from "../tickets/ticket.service.js";
import { type SurveyConfig, surveyText } from "./survey.config.js";
import { type AnswerPatch, nextStep, type Overall, type Step } from "./survey.rules.js";

export const SURVEY_FLOW = "survey";
/** Outbox reference of a survey question (`survey:<id>`), handed back on a dead letter. */
const SURVEY_REF = "survey:";
const HOUR = 3_600_000;

export interface SurveyDeps {
  db: Db;
  scheduler: Scheduler;
  conversations: Pick<ConversationService, "sendToConversation" | "setFlow" | "startFlowUnlessBusy" | "handBackToBot">;
  tickets: Pick<TicketService, "close" | "reopen">;
  bus: EventBus;
  log: Logger;
  config: SurveyConfig;
  /** Delay between resolution and sending (SURVEY_DELAY_SECONDS). */
  delaySeconds: number;
  now?: () => Date;
}

/** What the survey flow needs to know about the survey in progress. */
export interface ActiveSurvey {
  id: string;
  ticketNumber: string;
  conversationId: string;
  channel: string;
  status: string;
  step: Step | null;
  reasks: number;
  overall: Overall | null;
  answered: boolean;
}

/** How a survey ended: every question asked, the customer stopped, or answers did not fit twice. */
export type EndReason = "completed" | "stopped" | "unreadable" | "left";

type SurveyRow = Prisma.SurveyGetPayload<{
  include: { ticket: { select: { number: true; status: true; resolution: true } } };
}>;

/** Pure: when the scheduler must next look at a survey (undefined: never again). */
export function nextDueAt(
  s: {
    status: string;
    sendAt: Date;
    sentAt: Date | null;
    remindedAt: Date | null;
    answeredAt: Date | null;
    closesAt: Date | null;
  },
  cfg: SurveyConfig,
): Date | undefined {
  if (s.status === "scheduled") return s.sendAt;
  if (s.status !== "sent" || !s.closesAt) return undefined;
  if (!s.remindedAt && !s.answeredAt && s.sentAt) {
    const remindAt = new Date(s.sentAt.getTime() + cfg.reminderHours * HOUR);
    if (remindAt < s.closesAt) return remindAt;
  }
  return s.closesAt;
}

/**
 * Satisfaction surveys after resolution (003 §4.2, 002 §4.4, 004). One per ticket
 * (Survey.ticketId is unique). Every clock — send time, reminder, window close — is a column
 * of the Survey row; the scheduler only wakes `survey:<id>`, and fire() re-reads the row and
 * acts once, so a late or duplicate trigger is harmless and reconcile() re-arms after a restart.
 */
export class SurveyService {
  private readonly now: () => Date;

  constructor(private readonly deps: SurveyDeps) {
    this.now = deps.now ?? (() => new Date());
    deps.scheduler.handle("survey", (id) => this.fire(id));
  }

  get config(): SurveyConfig {
    return this.deps.config;
  }

  /** TicketService's resolve hook: schedules the survey (idempotent). */
  async onResolved(ticketId: string): Promise<void> {
    const { db } = this.deps;
    const ticket = await db.ticket.findUnique({
      where: { id: ticketId },
      select: {
        id: true,
        number: true,
        conversationId: true,
        channel: true,
        groupCode: true,
        assigneeId: true,
        category: true,
      },
    });
    // Tickets opened for a phone call have no chat to survey in.
    if (!ticket?.conversationId) return;
    const sendAt = new Date(this.now().getTime() + this.deps.delaySeconds * 1000);
    const snapshot = { groupCode: ticket.groupCode, agentId: ticket.assigneeId, category: ticket.category };
    // Once per ticket: a survey already sent is never sent again; one cancelled before sending
    // (the ticket was reopened first) is scheduled afresh.
    const rows = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO "Survey" (id, "ticketId", "conversationId", channel, status, "sendAt", "groupCode", "agentId", category)
      VALUES (gen_random_uuid(), ${ticket.id}::uuid, ${ticket.conversationId}::uuid, ${ticket.channel}, 'scheduled', ${sendAt},
              ${snapshot.groupCode}, ${snapshot.agentId}::uuid, ${snapshot.category})
      ON CONFLICT ("ticketId") DO UPDATE SET status = 'scheduled', "sendAt" = EXCLUDED."sendAt",
        "groupCode" = EXCLUDED."groupCode", "agentId" = EXCLUDED."agentId", category = EXCLUDED.category
        WHERE "Survey".status = 'cancelled' AND "Survey"."sentAt" IS NULL
      RETURNING id`;
    const id = rows[0]?.id;
    if (!id) return;
    this.deps.log.info({ surveyId: id, ticketNumber: ticket.number, sendAt }, "survey scheduled");
    // Resolution ends the human service of this chat: it goes back to the bot, which sends the
    // survey at SURVEY_DELAY_SECONDS whoever held it (a held chat would keep the bot silent).
    // Handed back first, armed after: armed first, a short delay could fire while the agent still
    // held the chat, and the survey was put off (seen once in 7 full runs at load 12).
    if (await this.deps.conversations.handBackToBot(ticket.conversationId)) {
      await db.auditEvent.create({
        data: {
          actorType: "system",
          action: "conversation.release",
          subjectType: "conversation",
          subjectId: ticket.conversationId,
          data: { reason: "ticket_resolved", ticketNumber: ticket.number },
        },
      });
    }
    await this.deps.scheduler.arm(`survey:${id}`, sendAt);
  }

  /** The scheduler's trigger: send, remind or close, whichever is due. Safe to call any number of times. */
  async fire(id: string): Promise<void> {
    const s = await this.load(id);
    if (!s) return;
    const now = this.now();
    if (s.status === "scheduled") {
      if (s.sendAt > now) return this.arm(s);
      await this.send(s, now);
    } else if (s.status === "sent" && s.closesAt) {
      if (s.closesAt <= now) {
        await this.end(s.id, "left");
        return;
      }
      const remindAt = s.sentAt ? new Date(s.sentAt.getTime() + this.deps.config.reminderHours * HOUR) : undefined;
      if (!s.remindedAt && !s.answeredAt && remindAt && remindAt <= now) await this.remind(s, now);
      else await this.arm(s);
    }
  }

  private load(id: string): Promise<SurveyRow | null> {
    return this.deps.db.survey.findUnique({
      where: { id },
      include: { ticket: { select: { number: true, status: true, resolution: true } } },
    });
  }

  private async arm(s: SurveyRow): Promise<void> {
    const at = nextDueAt(s, this.deps.config);
    if (at) await this.deps.scheduler.arm(`survey:${s.id}`, at);
  }

  private async send(s: SurveyRow, now: Date): Promise<void> {
    const { db, config, log } = this.deps;
    // Reopened before we asked: no survey for now (a later resolution schedules it again).
    if (s.ticket.status !== "resolved") {
      await db.survey.updateMany({ where: { id: s.id, status: "scheduled" }, data: { status: "cancelled" } });
      return;
    }
    const conv = await db.conversation.findUnique({
      where: { id: s.conversationId },
      select: { mode: true, locale: true },
    });
    if (!conv || conv.mode === "closed") {
      await db.survey.updateMany({ where: { id: s.id, status: "scheduled" }, data: { status: "cancelled" } });
      return;
    }
    // The customer asked for a human again after the resolution: wait until that ends.
    if (conv.mode !== "bot") return this.postpone(s, now, config.postponeMinutes * 60_000);
    const rich = this.isRich(s.channel);
    const first = nextStep(config, undefined, { rich }) as Step;
    const closesAt = new Date(now.getTime() + config.windowHours * HOUR);
    // Never in the middle of another flow (a second complaint's intake would lose its next
    // answer to the survey): wait until it ends or the customer has gone quiet.
    const quietBefore = new Date(now.getTime() - config.quietMinutes * 60_000);
    const flow = { name: SURVEY_FLOW, step: first, data: { surveyId: s.id } };
    if (!(await this.deps.conversations.startFlowUnlessBusy(s.conversationId, flow, quietBefore)))
      return this.postpone(s, now, config.flowRecheckSeconds * 1000);
    // Claim first: of two concurrent triggers only one sends.
    const claimed = await db.survey.updateMany({
      where: { id: s.id, status: "scheduled" },
      data: { status: "sent", sentAt: now, closesAt, step: first, reasks: 0 },
    });
    if (claimed.count === 0) return;
    const locale = toLocale(conv.locale);
    try {
      const q = this.question(first, locale, s.channel, s.ticket.number, s.ticket.resolution);
      await this.deps.conversations.sendToConversation(s.conversationId, {
        author: "bot",
        text: q.text,
        ...(q.quickReplies ? { quickReplies: q.quickReplies } : {}),
        ref: `${SURVEY_REF}${s.id}`,
      });
    } catch (err) {
      // Not sent: give the row back to the scheduler, which retries with backoff.
      await db.survey.updateMany({
        where: { id: s.id, status: "sent", answeredAt: null },
        data: { status: "scheduled", sentAt: null, closesAt: null, step: null },
      });
      throw err;
    }
    log.info({ surveyId: s.id, ticketNumber: s.ticket.number, channel: s.channel }, "survey sent");
    await this.deps.scheduler.arm(
      `survey:${s.id}`,
      nextDueAt({ ...s, status: "sent", sentAt: now, closesAt }, config) ?? closesAt,
    );
  }

  /** Not now: look again in `ms`, but never beyond the survey's window (then it expires). */
  private async postpone(s: SurveyRow, now: Date, ms: number): Promise<void> {
    const { db, config } = this.deps;
    if (now.getTime() - s.createdAt.getTime() > config.windowHours * HOUR) {
      await db.survey.updateMany({ where: { id: s.id, status: "scheduled" }, data: { status: "expired" } });
      await this.closeTicket(s.ticket.number);
      return;
    }
    const later = new Date(now.getTime() + ms);
    await db.survey.updateMany({ where: { id: s.id, status: "scheduled" }, data: { sendAt: later } });
    await this.deps.scheduler.arm(`survey:${s.id}`, later);
  }

  /**
   * The outbox's dead-letter listener: a survey question the channel refused for good (WeChat
   * 45015 outside the 48-hour window) was never delivered, so the survey is `failed`, not
   * `sent` — the response rate counts delivered surveys only — and the ticket closes as it
   * would when the window ends unanswered.
   */
  async onUndelivered(dead: { ref?: string }): Promise<void> {
    if (!dead.ref?.startsWith(SURVEY_REF)) return;
    const id = dead.ref.slice(SURVEY_REF.length);
    const { db, log } = this.deps;
    const failed = await db.survey.updateMany({
      where: { id, status: "sent", answeredAt: null },
      data: { status: "failed", step: null },
    });
    if (failed.count === 0) return;
    const s = await this.load(id);
    if (!s) return;
    log.warn({ surveyId: id, ticketNumber: s.ticket.number, channel: s.channel }, "survey not delivered");
    await this.deps.conversations.setFlow(s.conversationId, undefined, SURVEY_FLOW);
    await this.closeTicket(s.ticket.number);
  }

  private async remind(s: SurveyRow, now: Date): Promise<void> {
    const { db } = this.deps;
    const won = await db.survey.updateMany({
      where: { id: s.id, status: "sent", remindedAt: null, answeredAt: null },
      data: { remindedAt: now },
    });
    if (won.count > 0 && s.step) {
      const conv = await db.conversation.findUnique({ where: { id: s.conversationId }, select: { locale: true } });
      const locale = toLocale(conv?.locale);
      const q = this.question(s.step as Step, locale, s.channel, s.ticket.number, s.ticket.resolution);
      await this.deps.conversations.sendToConversation(s.conversationId, {
        author: "bot",
        text: `${surveyText(this.deps.config, locale, "reminder", { number: s.ticket.number })}\n${q.text}`,
        ...(q.quickReplies ? { quickReplies: q.quickReplies } : {}),
      });
    }
    if (s.closesAt) await this.deps.scheduler.arm(`survey:${s.id}`, s.closesAt);
  }

  isRich(channel: string): boolean {
    return this.deps.config.richChannels.includes(channel);
  }

  /**
   * The text and buttons of one question, as the channel can show them; the first one tells the
   * agent's resolution (trailing punctuation trimmed, the template adds its own).
   */
  question(
    step: Step,
    locale: Locale,
    channel: string,
    ticketNumber: string,
    resolution?: string | null,
  ): { text: string; quickReplies?: QuickReply[] } {
    const cfg = this.deps.config;
    const rich = this.isRich(channel);
    const told = resolution?.trim().replace(/[。.!！;；，,\s]+$/u, "");
    const vars = {
      number: ticketNumber,
      resolution: told ? surveyText(cfg, locale, "resolution", { resolution: told }) : "",
    };
    const tx = (k: Parameters<typeof surveyText>[2]) => surveyText(cfg, locale, k, vars);
    const skip = { title: tx("skip") };
    switch (step) {
      case "overall":
        return rich
          ? {
              text: tx("overall"),
              quickReplies: (["satisfied", "basically_satisfied", "dissatisfied"] as const).map((o) => ({
                title: tx(`option.${o}`),
              })),
            }
          : { text: `${tx("overall")}\n${tx("overall.menu")}` };
      case "fcr":
        return rich
          ? { text: tx("fcr"), quickReplies: [{ title: tx("option.yes") }, { title: tx("option.no") }] }
          : { text: `${tx("fcr")}\n${tx("fcr.menu")}` };
      case "whatWentWrong":
        return rich
          ? {
              text: tx("whatWentWrong"),
              quickReplies: cfg.texts[locale]["whatWentWrong.options"].map((title) => ({ title })),
            }
          : { text: tx("whatWentWrong") };
      case "ratings":
        return {
          text: tx("ratings"),
          quickReplies: [{ title: "5 5 5" }, { title: "4 4 4" }, { title: "3 3 3" }, skip],
        };
      case "speed":
      case "effect":
      case "attitude":
        return { text: tx(step) };
      case "nps":
        return rich
          ? {
              text: tx("nps"),
              quickReplies: [
                { title: "10" },
                { title: "9" },
                { title: "8" },
                { title: "7" },
                { title: "6" },
                { title: "5" },
                { title: "0" },
              ],
            }
          : { text: tx("nps") };
      case "comment":
        return { text: tx("comment") };
    }
  }

  /** The survey a conversation's flow points at, if it is still waiting for answers. */
  async active(id: string): Promise<ActiveSurvey | undefined> {
    const s = await this.load(id);
    if (s?.status !== "sent") return undefined;
    return {
      id: s.id,
      ticketNumber: s.ticket.number,
      conversationId: s.conversationId,
      channel: s.channel,
      status: s.status,
      step: s.step as Step | null,
      reasks: s.reasks,
      overall: s.overall as Overall | null,
      answered: s.answeredAt !== null,
    };
  }

  /**
   * Stores one answer and moves to `next` (null: none left), conditional on the survey still
   * waiting at `step`: a replayed or concurrent turn stores nothing twice.
   */
  async answer(
    id: string,
    step: Step,
    raw: string,
    value: string,
    patch: AnswerPatch,
    next: Step | null,
  ): Promise<boolean> {
    const now = this.now();
    return this.deps.db.$transaction(async (tx) => {
      // A remark made with the rating ("还行吧，就是有点慢") and the comment asked for later are both kept.
      let data = patch;
      if (patch.comment !== undefined) {
        const before = await tx.survey.findUnique({ where: { id }, select: { comment: true } });
        if (before?.comment) data = { ...patch, comment: `${before.comment} / ${patch.comment}`.slice(0, 4000) };
      }
      const res = await tx.survey.updateMany({
        where: { id, status: "sent", step },
        data: { ...data, step: next, reasks: 0, answeredAt: now },
      });
      if (res.count === 0) return false;
      // answeredAt is when the first answer came; keep it.
      await tx.$executeRaw`
        UPDATE "Survey" SET "answeredAt" = LEAST("answeredAt", (SELECT min(at) FROM "SurveyAnswer" WHERE "surveyId" = ${id}::uuid))
        WHERE id = ${id}::uuid`;
      await tx.surveyAnswer.create({ data: { surveyId: id, question: step, raw: raw.slice(0, 2000), value, at: now } });
      return true;
    });
  }

  /** An answer that did not fit: counts the re-ask (one per question). */
  async reask(id: string, step: Step): Promise<void> {
    await this.deps.db.survey.updateMany({ where: { id, status: "sent", step }, data: { reasks: { increment: 1 } } });
  }

  /**
   * Ends the survey: completed when anything was answered (partial answers count), else
   * expired; the ticket closes (resolved → closed) — unless the customer said 不满意 and
   * 未解决, then it is open again for its owner and so not resolved at first contact — the
   * conversation's survey flow is cleared, and a 不满意 brings in the owning agent and the
   * supervisors.
   */
  async end(id: string, reason: EndReason): Promise<void> {
    const { db, log } = this.deps;
    const s = await this.load(id);
    if (s?.status !== "sent") return;
    const status = s.answeredAt ? "completed" : "expired";
    const res = await db.survey.updateMany({ where: { id, status: "sent" }, data: { status, step: null } });
    if (res.count === 0) return;
    log.info({ surveyId: id, ticketNumber: s.ticket.number, status, reason, overall: s.overall }, "survey ended");
    if (reason === "left") await this.deps.conversations.setFlow(s.conversationId, undefined, SURVEY_FLOW);
    if (unresolved(s)) await this.reopenTicket(s.ticket.number);
    else await this.closeTicket(s.ticket.number);
    if (s.overall === "dissatisfied") await this.dissatisfied(s);
  }

  private closeTicket(number: string): Promise<void> {
    return ignoreIllegal(this.deps.tickets.close(number));
  }

  private reopenTicket(number: string): Promise<void> {
    return ignoreIllegal(this.deps.tickets.reopen(number, "满意度回访：不满意，问题未解决"));
  }

  /** 不满意: the owning agent follows up in the same chat (when configured); supervisors are told. */
  private async dissatisfied(s: SurveyRow): Promise<void> {
    const { db, bus, config, log } = this.deps;
    let handedTo: string | null = null;
    if (config.followUpDissatisfied) {
      const owner = s.agentId
        ? await db.agent.findUnique({ where: { id: s.agentId }, select: { id: true, active: true } })
        : null;
      const now = this.now();
      const res = await db.conversation.updateMany({
        where: { id: s.conversationId, mode: "bot" },
        data: owner?.active
          ? { mode: "agent", agentId: owner.id, queuedAt: null, handoffReason: "survey_dissatisfied" }
          : { mode: "queued", queuedAt: now, handoffReason: "survey_dissatisfied" },
      });
      if (res.count > 0) {
        handedTo = owner?.active ? owner.id : "queue";
        await publishScopeChanged(bus, s.conversationId).catch((err) => log.warn({ err }, "realtime publish failed"));
      }
      const detail = [s.whatWentWrong, s.comment].filter(Boolean).join(" / ");
      await this.deps.conversations.sendToConversation(s.conversationId, {
        author: "system",
        internal: true,
        text: `客户对工单 ${s.ticket.number} 的处理不满意${unresolved(s) ? "（问题未解决，工单已重新打开）" : ""}${detail ? `：${detail}` : ""}。请跟进回访。`,
      });
    }
    await db.auditEvent.create({
      data: {
        actorType: "system",
        action: "survey.dissatisfied",
        subjectType: "ticket",
        subjectId: s.ticketId,
        data: { surveyId: s.id, ticketNumber: s.ticket.number, fcr: s.fcr, handedTo },
      },
    });
    await bus
      .publish(AGENTS_TOPIC, {
        type: "survey.dissatisfied",
        ticketNumber: s.ticket.number,
        conversationId: s.conversationId,
        assigneeId: s.agentId,
        groupCode: s.groupCode,
        handedTo,
        audience: ["assignee", "supervisors"],
      })
      .catch((err) => log.warn({ err }, "realtime publish failed"));
  }

  /** After a start: every scheduled or open survey is re-armed from its row. */
  async reconcile(): Promise<number> {
    const { db, scheduler, config } = this.deps;
    let cursor: string | undefined;
    let total = 0;
    for (;;) {
      const page = await db.survey.findMany({
        where: { status: { in: ["scheduled", "sent"] }, ...(cursor ? { id: { gt: cursor } } : {}) },
        orderBy: { id: "asc" },
        select: {
          id: true,
          status: true,
          sendAt: true,
          sentAt: true,
          remindedAt: true,
          answeredAt: true,
          closesAt: true,
        },
        take: 5000,
      });
      if (!page.length) break;
      await runLimited(page, 16, async (s) => {
        const at = nextDueAt(s, config);
        if (at) await scheduler.arm(`survey:${s.id}`, at);
      });
      total += page.length;
      cursor = page[page.length - 1]?.id;
    }
    return total;
  }
}

/** 不满意 and 未解决: the ticket is not done (003 §6.1.4: 回访 makes sure the problem gets solved). */
function unresolved(s: { overall: string | null; fcr: boolean | null }): boolean {
  return s.overall === "dissatisfied" && s.fcr === false;
}

/** Reopened or closed meanwhile (a new complaint, a second trigger): nothing left to change. */
async function ignoreIllegal(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError && err.code === "ILLEGAL_TRANSITION") return;
    throw err;
  }
}
