import type { TurnContext } from "botbuilder";
import type { InboundAttachment } from "../channel/channel.js";
import { type ImageTurnHandler, reply } from "../conversation/bot.js";
import type { Locale } from "../conversation/texts.js";
import { turnInfo } from "../conversation/turn-state.js";
import type { Db } from "../db/client.js";

/** A photo this long after a complaint or claim was opened from the conversation is its evidence. */
export const EVIDENCE_WINDOW_MS = 24 * 3600 * 1000;
/** Ticket types whose intake collects photos as evidence (003 §3.2.2: 破损、丢失 need proof). */
const EVIDENCE_TYPES = ["complaint", "claim"];

const texts = {
  "zh-CN": {
    waybill: "识别到运单号 {waybills}",
    noWaybill: "收到您的图片，不过没能从中识别出运单号。麻烦您直接输入运单号（例如 SF1438829301576），我马上帮您查询。",
    busy: "收到您的图片。识别的图片较多，请您直接输入运单号，我马上帮您查询。",
    evidencePending: "收到照片，已作为凭证保存，提交后会一并附到工单上。",
    evidenceAttached: "收到照片，已作为凭证附到工单 {number}，处理人员会一并查看。",
    unreadable: "抱歉，这张图片没能收下（支持 JPEG、PNG、WebP，10 MB 以内）。请重新拍一张发送，或直接输入运单号。",
  },
  en: {
    waybill: "Waybill number found: {waybills}",
    noWaybill:
      "Thanks for the picture, but I could not read a waybill number in it. Please type the number (e.g. SF1438829301576) and I'll look it up.",
    busy: "Thanks for the picture. Many images are being read right now; please type the waybill number and I'll look it up.",
    evidencePending: "Photo received and kept as evidence; it will be attached to the ticket when it is submitted.",
    evidenceAttached: "Photo received and attached to ticket {number} as evidence; the agent handling it will see it.",
    unreadable:
      "Sorry, that image could not be received (JPEG, PNG or WebP up to 10 MB). Please send a new photo, or type the waybill number.",
  },
} as const;

function it(locale: Locale, key: keyof (typeof texts)["en"], vars: Record<string, string> = {}): string {
  return texts[locale][key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");
}

/**
 * A customer's image (issue 17). During a complaint or claim intake, or within a day after one
 * was opened here, it is evidence: linked to the ticket (or kept for the ticket the intake
 * opens) and the bot says so. Otherwise the waybill numbers read from it are answered like the
 * typed number ("识别到运单号 …" then the tracking answer, each number); none → a polite request
 * to type it.
 */
export class ImageTurn implements ImageTurnHandler {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Links images to the complaint or claim opened from this conversation within the last day and
   * still open, as evidence (ticket event `evidence_added`); undefined when there is none. Also
   * used while a person holds the chat and the bot is silent (ConversationService).
   */
  async attachToRecentTicket(
    conversationId: string,
    attachmentIds: string[],
    messageId: string,
  ): Promise<{ id: string; number: string } | undefined> {
    const ticket = await this.db.ticket.findFirst({
      where: {
        conversationId,
        type: { in: EVIDENCE_TYPES },
        status: { notIn: ["resolved", "closed"] },
        createdAt: { gte: new Date(this.now().getTime() - EVIDENCE_WINDOW_MS) },
      },
      orderBy: { createdAt: "desc" },
      select: { id: true, number: true },
    });
    if (!ticket) return undefined;
    await this.db.$transaction([
      this.db.attachment.updateMany({
        where: { id: { in: attachmentIds } },
        data: { purpose: "evidence", ticketId: ticket.id },
      }),
      this.db.ticketEvent.create({
        data: {
          ticketId: ticket.id,
          actorType: "customer",
          type: "evidence_added",
          data: { attachmentIds, messageId },
        },
      }),
    ]);
    return ticket;
  }

  async handle(context: TurnContext, route: (text: string) => Promise<void>): Promise<void> {
    const info = turnInfo(context);
    const attachments =
      (context.activity.channelData as { attachments?: InboundAttachment[] } | undefined)?.attachments ?? [];
    const ids = attachments.map((a) => a.id);
    const waybills = [...new Set(attachments.flatMap((a) => a.waybills))];
    if (!ids.length) {
      // The channel could not fetch or read it (ImageInbound): nothing was stored.
      await context.sendActivity(reply(it(info.locale, "unreadable")));
      return;
    }
    const flow = info.state.flow;
    const inIntake =
      flow?.name === "complaint" || (flow?.name === "request" && (flow.data as { type?: string }).type === "claim");

    if (inIntake) {
      // The ticket does not exist yet: TicketLifecycle.create links the conversation's pending evidence.
      await this.db.attachment.updateMany({ where: { id: { in: ids } }, data: { purpose: "evidence" } });
      await context.sendActivity(reply(it(info.locale, "evidencePending")));
      // A photo of the label while the intake asks for the waybill answers that question.
      if (waybills.length && flow?.step === "waybill") {
        await context.sendActivity(reply(it(info.locale, "waybill", { waybills: waybills.join("、") })));
        await route(waybills.join(" "));
      }
      return;
    }

    const ticket = await this.attachToRecentTicket(info.conversationId, ids, info.inboundMessageId);
    if (ticket) {
      await context.sendActivity(reply(it(info.locale, "evidenceAttached", { number: ticket.number })));
      if (!waybills.length) return;
    }

    if (waybills.length) {
      info.intent = "track";
      await context.sendActivity(reply(it(info.locale, "waybill", { waybills: waybills.join("、") })));
      await route(waybills.join(" "));
      return;
    }
    if (ticket) return;
    const busy = attachments.some((a) => a.ocr === "busy");
    await context.sendActivity(reply(it(info.locale, busy ? "busy" : "noWaybill")));
  }
}
