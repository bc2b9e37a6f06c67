import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { EventBus } from "../realtime/event-bus.js";

/**
 * The channel-facing types, shared by the conversation runtime, the outbox and every adapter
 * under `channels/`. This module depends on neither conversation/ nor outbox/, so they no
 * longer import each other in a circle.
 */

export type ChannelLocale = "zh-CN" | "en";

/** JSON the adapter stores to reach a customer again (session id, openid, phone …). */
export type ChannelAddress = Record<string, string | number | boolean | null>;

export interface QuickReply {
  /** Shown on the button. */
  title: string;
  /** Sent as the customer's message when tapped (defaults to title). */
  value?: string;
}

/** What a channel hands to the conversation runtime, after parsing its native payload. */
export interface InboundMessage {
  channel: string;
  /** The customer's id on this channel (web chat session id, WeChat openid, E.164 phone). */
  externalId: string;
  address: ChannelAddress;
  /** The channel's own message id, used to drop retried deliveries. */
  channelMessageId?: string | undefined;
  text: string;
  /**
   * text = a message to understand; image = a customer's photo (attachments, issue 17);
   * unsupported = voice/sticker …; event = subscribe etc.
   */
  kind?: "text" | "image" | "unsupported" | "event";
  /** kind image: the stored images (AttachmentService.ingest), with the waybills read from them. */
  attachments?: InboundAttachment[] | undefined;
  displayName?: string | undefined;
  /** Known when the channel itself is a phone number (SMS). */
  phone?: string | undefined;
  locale?: ChannelLocale | undefined;
  /** Native payload kept with the stored message (for audits), without secrets. */
  raw?: unknown;
}

/** An image stored with an inbound message, as the runtime and the bot see it (issue 17). */
export interface InboundAttachment {
  id: string;
  mime: string;
  width: number;
  height: number;
  /** Waybill numbers read from the image (OCR), each once, in reading order. */
  waybills: string[];
  /** ok = read; busy = OCR queue full; failed = OCR error; off = no OCR configured. */
  ocr: "ok" | "busy" | "failed" | "off";
}

/** An image shown with a message (its bytes: the channel's or the console's attachment route). */
export interface AttachmentDto {
  id: string;
  mime: string;
  width: number;
  height: number;
}

/** A message as the chat widget, the console and the API show it. */
export interface MessageDto {
  id: string;
  seq: string;
  direction: "in" | "out";
  author: "customer" | "bot" | "agent" | "system";
  text: string;
  quickReplies?: QuickReply[];
  /** Images the customer sent with this message (issue 17). */
  attachments?: AttachmentDto[];
  /** Issue 18: the name of the person who answered (author "agent"), shown in the chat. */
  agentName?: string;
  createdAt: string;
}

/** Issue 18: a colleague an internal note @mentions (kept with the note; staff only, never the customer's). */
export interface MentionDto {
  id: string;
  username: string;
  displayName: string;
}

export interface OutboundMessage {
  /** Our Message id: providers that take an idempotency key get this one. */
  messageId: string;
  conversationId: string;
  text: string;
  quickReplies?: QuickReply[] | undefined;
  author: "bot" | "agent" | "system";
  /** Issue 18: the answering agent's display name (author "agent"). */
  agentName?: string | undefined;
  /**
   * Images an agent sends (issue 17); the adapter reads their bytes with ChannelContext.images.read
   * and sends them natively, before the text (which is only "[图片]" when the message is just images).
   */
  attachments?: AttachmentDto[] | undefined;
  createdAt: string;
  seq: string;
  /**
   * Provider ids of the parts of this message already accepted (a long SMS sent in several
   * messages): recorded durably, so a retry, also after a restart, sends only the rest.
   */
  sentParts?: string[] | undefined;
}

/** Lets an adapter record, durably, the parts of a message the provider has accepted so far. */
export type RecordSentParts = (providerIds: string[]) => Promise<void>;

export interface SendResult {
  /** The provider's id for the sent message (Twilio SID, WeChat msgid …). */
  providerId?: string | undefined;
}

/** Thrown by send() when retrying cannot help (customer opted out, address invalid). */
export class PermanentSendError extends Error {
  override readonly name = "PermanentSendError";
}

export interface ChannelStatus {
  state: "ready" | "starting" | "degraded" | "disabled";
  detail?: string;
}

export interface ReceiveResult {
  inboundId: string;
  conversationId: string;
  duplicate: boolean;
  replies: MessageDto[];
}

export interface IdentityRef {
  identityId: string;
  customerId: string;
  conversationId: string;
  locale: ChannelLocale;
}

/** What an adapter may ask of the conversation runtime (ConversationService implements it). */
export interface ChannelConversations {
  /** Stores an inbound message (deduped by channel message id), runs the turn, returns the replies. */
  receive(inbound: InboundMessage): Promise<ReceiveResult>;
  /** Finds or creates the customer, identity and open conversation for an address. */
  ensureIdentity(
    channel: string,
    externalId: string,
    address: ChannelAddress,
    opts?: { displayName?: string | undefined; phone?: string | undefined; locale?: ChannelLocale | undefined },
  ): Promise<IdentityRef>;
  /** Messages of a conversation, oldest first; `afterSeq` for catching up after a reconnect. */
  history(conversationId: string, afterSeq?: bigint, limit?: number): Promise<MessageDto[]>;
  /** Issue 18: the customer's messages up to this seq were read by the agent (null: none yet). */
  readUpTo(conversationId: string): Promise<string | null>;
}

export interface ChannelContext {
  server: FastifyInstance;
  conversations: ChannelConversations;
  bus: EventBus;
  log: Logger;
  /** Customers' images (issue 17): fetch, check, store, then the same turn as a message. */
  images?: ChannelImages | undefined;
}

/** How a channel hands a customer's image to the runtime (src/images/image.inbound.ts). */
export interface ChannelImages {
  receive(
    base: Omit<InboundMessage, "text" | "kind" | "attachments">,
    fetchBytes: () => Promise<Buffer>,
  ): Promise<ReceiveResult>;
  /**
   * The bytes of a stored image for sending it out (issue 17), as JPEG or PNG (WebP, which WeChat
   * and MMS phones do not all show, is converted to JPEG); undefined when it no longer exists
   * (deleted by retention).
   */
  read(attachmentId: string): Promise<{ data: Buffer; mime: "image/jpeg" | "image/png" } | undefined>;
  /**
   * A signed link (valid 24 h) to the image for providers that fetch media by URL (Twilio MMS),
   * under PUBLIC_URL (src/images/media.links.ts).
   */
  publicLink(attachmentId: string): string;
}

/**
 * One per channel under `channels/`: converts its native payload into an InboundMessage
 * (the runtime turns it into a botbuilder Activity) and sends outbound messages natively.
 * Adding a channel touches only `channels/` and the composition root.
 */
export interface ChannelAdapter {
  readonly name: string;
  /**
   * The stored message is the delivery (web chat: the HTTP response and the live socket carry
   * it; the widget catches up from history). Replies are written to the outbox already sent.
   */
  readonly deliveredOnCommit?: boolean;
  /** Registers routes/webhooks and connects to the provider. */
  start(ctx: ChannelContext): Promise<void>;
  /**
   * Delivers one message; throws to have the outbox retry it with backoff. The outbox calls it
   * for one conversation at a time, in the order the messages were committed.
   */
  send(address: ChannelAddress, message: OutboundMessage, recordSentParts?: RecordSentParts): Promise<SendResult>;
  /**
   * Why a text cannot be delivered on this channel whole (too long for its limits), or
   * undefined when it can: an agent is told before the message is stored and sent.
   */
  cannotFit?(message: Pick<OutboundMessage, "text" | "quickReplies">): string | undefined;
  /**
   * Whether an agent can send this channel's customers an image (issue 17); absent = no, and the
   * console's image upload answers 422 CHANNEL_NO_IMAGES.
   */
  sendsImages?(): boolean;
  status(): ChannelStatus;
  stop(): Promise<void>;
}
