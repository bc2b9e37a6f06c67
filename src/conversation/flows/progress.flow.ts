import type { TurnContext } from "botbuilder";
import { CATEGORY_LABELS, type NluResult } from "../../../intents/index.js";
import { formatDuration } from "../../sla/duration.js";
import type { TicketDetail, TicketService } from "../../tickets/ticket.service.js";
import { typeLabel } from "../../tickets/ticket-types.js";
import { mainMenu, reply } from "../bot.js";
import type { Flow } from "../flow.js";
import type { Locale } from "../texts.js";
import { type TurnInfo, turnInfo } from "../turn-state.js";
import { ct } from "./complaint.texts.js";

export interface ProgressFlowDeps {
  tickets: Pick<TicketService, "byNumber" | "forCustomer" | "groupNames">;
  customerPhone(customerId: string): Promise<string | null>;
  now?: () => Date;
}

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
      await context.sendActivity(reply(this.line(ticket, groups, locale)));
      return;
    }
    const mine = await this.deps.tickets.forCustomer(info.customerId, 3);
    if (!mine.length) {
      await context.sendActivity(reply(ct(locale, "progress.none"), mainMenu(locale)));
      return;
    }
    const lines = mine.map((t) => this.line(t, groups, locale));
    await context.sendActivity(
      reply(lines.length === 1 ? (lines[0] as string) : [ct(locale, "progress.header"), ...lines].join("\n")),
    );
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
