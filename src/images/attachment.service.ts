import { createHash, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { InboundAttachment } from "../channel/channel.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { BlobStore } from "./blob.store.js";
import { prepareImage } from "./image.inspect.js";
import { OcrBusyError, type TextReader, waybillsInText } from "./ocr.js";

/** Issue 17: images kept per conversation; more get ATTACHMENT_LIMIT (a polite refusal). */
export const MAX_IMAGES_PER_CONVERSATION = 30;

export interface AttachmentRow {
  id: string;
  conversationId: string;
  messageId: string | null;
  ticketId: string | null;
  purpose: string;
  mime: string;
  size: number;
  width: number;
  height: number;
  sha256: string;
  storageKey: string;
  thumbKey: string | null;
  ocrText: string | null;
  ocrWaybills: string[];
  createdAt: Date;
}

export interface AttachmentDeps {
  db: Db;
  blobs: BlobStore;
  /** Absent: images are stored and shown, but no waybill is read from them. */
  ocr?: TextReader | undefined;
  log: Logger;
  maxPerConversation?: number;
}

/**
 * Customers' images (issue 17): checks, strips and stores them, reads their text, and links
 * them to the message that carried them and to tickets as evidence. Every instance reads the
 * same bytes (BlobStore); the Attachment row is written last, so a failed upload leaves
 * neither a row nor bytes behind.
 */
export class AttachmentService {
  constructor(private readonly deps: AttachmentDeps) {}

  get blobs(): BlobStore {
    return this.deps.blobs;
  }

  /**
   * Checks and stores an image for a conversation and reads its waybill numbers. Throws
   * AppError(ATTACHMENT_*) for bad input; nothing is stored then.
   */
  async ingest(conversationId: string, bytes: Buffer, opts: { ocr?: boolean } = {}): Promise<InboundAttachment> {
    const { db, blobs, log } = this.deps;
    const count = await db.attachment.count({ where: { conversationId } });
    if (count >= (this.deps.maxPerConversation ?? MAX_IMAGES_PER_CONVERSATION)) throw new AppError("ATTACHMENT_LIMIT");
    const image = await prepareImage(bytes);
    let ocr: InboundAttachment["ocr"] = "off";
    let ocrText: string | null = null;
    let waybills: string[] = [];
    if (this.deps.ocr && opts.ocr !== false) {
      try {
        const lines = await this.deps.ocr.read(image.data);
        ocrText = lines.map((l) => l.text).join("\n");
        waybills = waybillsInText(lines);
        ocr = "ok";
      } catch (err) {
        ocr = err instanceof OcrBusyError ? "busy" : "failed";
        if (ocr === "failed") log.warn({ err, conversationId }, "OCR failed");
      }
    }
    const id = randomUUID();
    const storageKey = `${id}`;
    const thumbKey = `${id}-thumb`;
    try {
      await blobs.put(storageKey, image.data);
      await blobs.put(thumbKey, image.thumbnail);
      await db.attachment.create({
        data: {
          id,
          conversationId,
          mime: image.mime,
          size: image.data.length,
          width: image.width,
          height: image.height,
          sha256: createHash("sha256").update(image.data).digest("hex"),
          storageKey,
          thumbKey,
          ocrText,
          ocrWaybills: waybills,
        },
      });
    } catch (err) {
      await this.removeBlobs(storageKey, thumbKey);
      throw err;
    }
    return { id, mime: image.mime, width: image.width, height: image.height, waybills, ocr };
  }

  /** The message is stored: the attachment belongs to it (and to its conversation, if that changed). */
  async linkMessage(attachmentId: string, messageId: string, conversationId: string): Promise<void> {
    await this.deps.db.attachment.update({ where: { id: attachmentId }, data: { messageId, conversationId } });
  }

  /** An upload whose message could not be stored: removes the row and the bytes. */
  async discard(attachmentId: string): Promise<void> {
    const row = await this.deps.db.attachment.findUnique({ where: { id: attachmentId } });
    if (!row) return;
    await this.deps.db.attachment.delete({ where: { id: attachmentId } });
    await this.removeBlobs(row.storageKey, row.thumbKey);
  }

  async get(attachmentId: string): Promise<AttachmentRow | null> {
    return this.deps.db.attachment.findUnique({ where: { id: attachmentId } });
  }

  /** The bytes of an attachment, full size or its thumbnail (WebP). */
  async content(row: AttachmentRow, variant: "full" | "thumb"): Promise<{ data: Buffer; mime: string } | undefined> {
    const key = variant === "thumb" && row.thumbKey ? row.thumbKey : row.storageKey;
    const data = await this.deps.blobs.get(key);
    if (!data) return undefined;
    return { data, mime: variant === "thumb" && row.thumbKey ? "image/webp" : row.mime };
  }

  /** Attachments of a conversation (console) or a ticket, oldest first. */
  async list(where: { conversationId: string } | { ticketId: string }): Promise<AttachmentRow[]> {
    return this.deps.db.attachment.findMany({ where, orderBy: { createdAt: "asc" } });
  }

  /** Deletes a customer's images, rows and bytes (retention: the customer is anonymised). */
  async deleteForCustomer(customerId: string): Promise<number> {
    const conversations = await this.deps.db.conversation.findMany({ where: { customerId }, select: { id: true } });
    return this.deleteForConversations(conversations.map((c) => c.id));
  }

  /** Deletes every attachment of the given conversations (retention, anonymisation). */
  async deleteForConversations(conversationIds: string[]): Promise<number> {
    if (!conversationIds.length) return 0;
    const rows = await this.deps.db.attachment.findMany({
      where: { conversationId: { in: conversationIds } },
      select: { id: true, storageKey: true, thumbKey: true },
    });
    for (const r of rows) {
      await this.deps.db.attachment.delete({ where: { id: r.id } });
      await this.removeBlobs(r.storageKey, r.thumbKey);
    }
    return rows.length;
  }

  /** Stops the OCR (its worker thread). */
  async close(): Promise<void> {
    await this.deps.ocr?.close?.();
  }

  private async removeBlobs(...keys: (string | null)[]): Promise<void> {
    for (const key of keys) {
      if (key) await this.deps.blobs.delete(key).catch(() => {});
    }
  }
}
