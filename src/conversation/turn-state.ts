import type { TurnContext } from "botbuilder";
import type { Locale } from "./texts.js";

/** Dialog state persisted per conversation in the BotState table (never in memory). */
export interface DialogState {
  /** The flow in progress (complaint intake, survey …) and where it is. */
  flow?: { name: string; step: string; data: Record<string, unknown> } | undefined;
  /** Consecutive messages the bot did not understand (two in a row → handoff). */
  misunderstood: number;
  /** The customer writes traditional characters: replies are converted (script.ts). */
  script?: "hk" | "tw" | undefined;
  /** Last waybill the customer mentioned, for follow-up questions. */
  lastWaybill?: string | undefined;
  /**
   * When it was shown (ISO time): a request started soon after ("帮我催一下", "能不能放驿站")
   * is about that parcel; older, it is only offered as a quick reply.
   */
  lastWaybillAt?: string | undefined;
  /**
   * A complaint the bot offered to open (e.g. tracking saw a delayed parcel): the complaint
   * flow pre-fills the category and waybill from it when the customer accepts, and the message
   * that asked about the parcel (`said`: "SF… 一个星期了还没到，太离谱了") as the description
   * when it says more than the waybill.
   */
  suggestedComplaint?:
    | { category: string; waybill?: string | undefined; said?: string | undefined; at: string }
    | undefined;
  /** The ticket whose progress was shown last, and when (ISO): "能快点吗" next chases it. */
  lastTicket?: { number: string; at: string } | undefined;
  /**
   * The choices the bot's last reply offered (their values): on text channels they are shown
   * numbered, and a reply that is just a number picks one.
   */
  choices?: string[] | undefined;
  /**
   * When the bot last told a customer waiting in the queue that their message was kept (ISO):
   * one receipt per {@link QUEUE_RECEIPT_MS}, not one per message.
   */
  queueReceiptAt?: string | undefined;
  /**
   * The message the bot was unsure about and asked "您是想：" for, and when (ISO): the button
   * picked next starts its flow from this message (its address, slot or waybill are not lost).
   */
  clarifying?: { text: string; at: string } | undefined;
}

/** How long one "已收到，客服接入后会看到" receipt covers a queued customer's messages (30 min). */
export const QUEUE_RECEIPT_MS = 30 * 60_000;

export const emptyDialogState = (): DialogState => ({ misunderstood: 0 });

/** What the runtime knows about the turn, handed to the bot through turnState. */
export interface TurnInfo {
  conversationId: string;
  customerId: string;
  /** The customer's phone as the turn query read it (null: none known); flows need not look it up. */
  customerPhone?: string | null | undefined;
  inboundMessageId: string;
  channel: string;
  locale: Locale;
  /** Mutable: the bot changes it, the runtime saves it with the replies. */
  state: DialogState;
  /** The intent the bot acted on, stored on the message for agents and reports. */
  intent?: string | undefined;
  category?: string | undefined;
  /** Set by the bot to hand the conversation to a human after this turn. */
  handoff?: { reason: string } | undefined;
}

export const TURN_INFO = Symbol("turnInfo");

export function turnInfo(context: TurnContext): TurnInfo {
  const info = context.turnState.get(TURN_INFO) as TurnInfo | undefined;
  if (!info) throw new Error("turn started without TurnInfo");
  return info;
}
