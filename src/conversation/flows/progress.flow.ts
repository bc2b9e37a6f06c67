import type { TurnContext } from "botbuilder";
import { CATEGORY_LABELS, type NluResult } from "../../../intents/index.js";
import { graphemes } from "../../channel/split.js";
import { formatDuration } from "../../sla/duration.js";
import type { TicketDetail, TicketService } from "../../tickets/ticket.service.js";
import { typeLabel } from "../../tickets/ticket-types.js";
import { mainMenu, reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { type Locale, t } from "../texts.js";
import { type TurnInfo, turnInfo } from "../turn-state.js";
import { ct } from "./complaint.texts.js";

export interface ProgressFlowDeps {
  tickets: Pick<TicketService, "byNumber" | "forCustomer" | "groupNames" | "chase">;
  customerPhone(customerId: string): Promise<string | null>;
  now?: () => Date;
}

/** How long after its progress was shown "能快点吗" is about that ticket (30 min). */
const RECENT_TICKET_MS = 30 * 60_000;
/** "能快点吗", "帮我催一下", "怎么还没人处理", "hurry up": the customer presses for their ticket. */
const CHASE_RE =
  /^(请|麻烦|能不能|能否|可以|可不可以|帮我)?.{0,3}(快点|快一点|快些|尽快|抓紧|赶紧|加急|加快|催(一下|一催|催|办)?)|怎么还没(人)?(处理|回复|联系|解决|动静)|还要等多久|到底(什么时候|啥时候)(处理|解决)|hurry|faster|speed (it|this) up|\basap\b|any (update|news)/i;
const CHASE_MAX_GRAPHEMES = 24;

/**
 * 投诉进度: status, owner group and time left, in one message. A ticket number is answered
 * only for its own customer (numbers are sequential, so they are guessable); without one,
 * the customer's latest complaints.
 */
export class ProgressFlow implements Flow {
  readonly name = "complaint_progress";
  readonly intents = ["complaint_progress"] as const;
  private readonly now: () => Date;

  constructor(private readonly deps: ProgressFlowDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async start(context: TurnContext, parsed: NluResult): Promise<void> {
    const info = turnInfo(context);
    const { locale } = info;
    info.state.flow = undefined;
    const number = parsed.entities.find((e) => e.type === "ticket_number")?.value;
    const groups = await this.deps.tickets.groupNames();
    if (number) {
      const ticket = await this.deps.tickets.byNumber(number);
      if (!ticket || !(await this.owns(info, ticket))) {
        await context.sendActivity(reply(ct(locale, "progress.notFound", { number })));
        return;
      }
      this.remember(info, ticket.number);
      await context.sendActivity(reply(this.line(ticket, groups, locale)));
      return;
    }
    const mine = await this.deps.tickets.forCustomer(info.customerId, 3);
    if (!mine.length) {
      await context.sendActivity(reply(ct(locale, "progress.none"), mainMenu(locale)));
      return;
    }
    if (mine.length === 1) this.remember(info, (mine[0] as TicketDetail).number);
    const lines = mine.map((t) => this.line(t, groups, locale));
    await context.sendActivity(
      reply(lines.length === 1 ? (lines[0] as string) : [ct(locale, "progress.header"), ...lines].join("\n")),
    );
  }

  /**
   * "能快点吗" right after a ticket's progress was shown (and no parcel shown since): the
   * ticket is chased — the agents see 客户催办 live — and the customer is told so with the time left.
   */
  async claim(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    const info = turnInfo(context);
    const last = info.state.lastTicket;
    if (!last || !CHASE_RE.test(text.trim())) return false;
    if (graphemes(text.trim()).length > CHASE_MAX_GRAPHEMES) return false;
    if (parsed.entities.some((e) => e.type === "waybill" || e.type === "ticket_number")) return false;
    const shownAt = Date.parse(last.at);
    const age = this.now().getTime() - shownAt;
    if (!(age >= 0 && age < RECENT_TICKET_MS)) return false;
    // A parcel looked up after the ticket is what "催一下" is about (a 催件).
    if (info.state.lastWaybillAt && Date.parse(info.state.lastWaybillAt) > shownAt) return false;
    const chased = await this.deps.tickets.chase(last.number, info.customerId);
    if (!chased) return false;
    const { ticket, recorded } = chased;
    const { locale } = info;
    info.state.flow = undefined;
    // Pressing on a finished ticket: the card again said nothing new; the ways on are what is
    // left (a person, or the regulator's 12305 — 快递暂行条例 Art. 28, domain.md "SLA").
    if (ticket.status === "resolved" || ticket.status === "closed") {
      await context.sendActivity(
        reply(
          `${this.line(ticket, await this.deps.tickets.groupNames(), locale)}\n${ct(locale, "progress.chasedClosed")}`,
          [{ title: t(locale, "quick.complain") }, { title: t(locale, "quick.human") }],
        ),
      );
      return true;
    }
    const key = recorded ? "progress.chased" : "progress.chasedAgain";
    await context.sendActivity(
      reply(ct(locale, key, { number: ticket.number, time: this.timeText(ticket, locale) }).trim()),
    );
    return true;
  }

  private remember(info: TurnInfo, number: string): void {
    info.state.lastTicket = { number, at: this.now().toISOString() };
  }

  /** The same customer, one who joined it, or the same phone number (the customer wrote on another channel). */
  private async owns(info: TurnInfo, ticket: TicketDetail): Promise<boolean> {
    if (ticket.customer.id === info.customerId) return true;
    // A 催件 joined to another customer's open one: its number was given to this customer.
    if (ticket.events.some((e) => e.type === "joined" && e.actorId === info.customerId)) return true;
    const phone =
      info.customerPhone !== undefined ? info.customerPhone : await this.deps.customerPhone(info.customerId);
    return !!phone && (phone === ticket.contactPhone || phone === ticket.customer.phone);
  }

  line(t: TicketDetail, groups: Map<string, { nameZh: string; nameEn: string }>, locale: Locale): string {
    const label = CATEGORY_LABELS[t.category as keyof typeof CATEGORY_LABELS];
    const g = groups.get(t.groupCode);
    const group = g ? (locale === "en" ? `the ${g.nameEn} team` : `${g.nameZh}组`) : t.groupCode;
    return ct(locale, "progress.line", {
      number: t.number,
      // A service request (issue 15) is named by its type: "工单 …（催件）".
      category:
        t.type !== "complaint"
          ? typeLabel(locale, t.type)
          : label
            ? locale === "en"
              ? label.en
              : label.zh
            : t.category,
      status: ct(locale, `status.${t.status}` as "status.new"),
      group,
      time: this.timeText(t, locale),
    }).trim();
  }

  private timeText(t: TicketDetail, locale: Locale): string {
    if (t.status === "resolved" || t.status === "closed")
      return t.resolution ? ct(locale, "time.result", { resolution: t.resolution }) : "";
    // Requests and claims run other clocks; the one due first is the promise that matters now.
    const clock =
      t.slaClocks.find((c) => c.kind === "resolution") ??
      [...t.slaClocks].filter((c) => c.state !== "met").sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
    if (!clock) return "";
    if (clock.state === "breached") return ct(locale, "time.breached");
    if (clock.state === "paused") return ct(locale, "time.paused");
    if (clock.state !== "running") return "";
    const left = Date.parse(clock.dueAt) - this.now().getTime();
    if (left <= 0) return ct(locale, "time.breached");
    return ct(locale, "time.left", { left: formatDuration(left, locale) });
  }
}
