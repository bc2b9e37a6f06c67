import sharp from "sharp";
import type { ChannelConversations, ChannelImages, InboundMessage, ReceiveResult } from "../channel/channel.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { AttachmentService } from "./attachment.service.js";
import { MAX_IMAGE_BYTES } from "./image.inspect.js";
import type { MediaLinks } from "./media.links.js";

/** What the chat history shows for a customer's image (the image itself is beside it). */
export const IMAGE_TEXT = "[图片]";

/**
 * A channel's image message (WeChat OA, Wechaty, MMS; issue 17) into the conversation: the bytes
 * are fetched (provider media API), checked and stored, then the message takes the same turn as
 * the web chat's upload. A retried delivery is answered from the first, without fetching again;
 * an image that cannot be fetched or read is still a message, answered politely (kind image,
 * no attachment: the bot asks for a clearer photo or the typed number).
 */
export class ImageInbound implements ChannelImages {
  constructor(
    private readonly db: Db,
    private readonly conversations: ChannelConversations,
    private readonly attachments: AttachmentService,
    private readonly links: MediaLinks,
  ) {}

  publicLink(attachmentId: string): string {
    return this.links.link(attachmentId);
  }

  async receive(
    base: Omit<InboundMessage, "text" | "kind" | "attachments">,
    fetchBytes: () => Promise<Buffer>,
  ): Promise<ReceiveResult> {
    if (base.channelMessageId) {
      const seen = await this.db.message.count({
        where: { channel: base.channel, channelMessageId: base.channelMessageId },
      });
      if (seen) return this.conversations.receive({ ...base, text: IMAGE_TEXT, kind: "image" });
    }
    const ref = await this.conversations.ensureIdentity(base.channel, base.externalId, base.address, {
      displayName: base.displayName,
      phone: base.phone,
      locale: base.locale,
    });
    let attachment: Awaited<ReturnType<AttachmentService["ingest"]>> | undefined;
    let refused: string | undefined;
    try {
      const bytes = await fetchBytes();
      if (bytes.length > MAX_IMAGE_BYTES) throw new AppError("ATTACHMENT_TOO_LARGE");
      attachment = await this.attachments.ingest(ref.conversationId, bytes);
    } catch (err) {
      refused = err instanceof AppError ? err.code : "ATTACHMENT_FETCH_FAILED";
    }
    try {
      const result = await this.conversations.receive({
        ...base,
        text: IMAGE_TEXT,
        kind: "image",
        ...(attachment ? { attachments: [attachment] } : {}),
        raw: { ...(base.raw as object | undefined), ...(refused ? { refused } : {}) },
      });
      if (attachment) {
        if (result.duplicate) await this.attachments.discard(attachment.id);
        else await this.attachments.linkMessage(attachment.id, result.inboundId, result.conversationId);
      }
      return result;
    } catch (err) {
      if (attachment) await this.attachments.discard(attachment.id).catch(() => {});
      throw err;
    }
  }

  async read(attachmentId: string): Promise<{ data: Buffer; mime: "image/jpeg" | "image/png" } | undefined> {
    const row = await this.attachments.get(attachmentId);
    const content = row ? await this.attachments.content(row, "full") : undefined;
    if (!content) return undefined;
    if (content.mime === "image/jpeg" || content.mime === "image/png")
      return { data: content.data, mime: content.mime };
    // Stored images were checked and re-encoded on the way in (image.inspect.ts): only WebP is left.
    return { data: await sharp(content.data).jpeg({ quality: 85 }).toBuffer(), mime: "image/jpeg" };
  }
}

/**
 * Fetches a provider's media URL with a size cap: stops reading past MAX_IMAGE_BYTES (a 50 MB
 * download is refused without being held in memory) and times out.
 */
export async function fetchCapped(url: string | URL, init: RequestInit = {}, timeoutMs = 15_000): Promise<Buffer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || !res.body) throw new Error(`media download failed: HTTP ${res.status}`);
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > MAX_IMAGE_BYTES) {
    await res.body.cancel().catch(() => {});
    throw new AppError("ATTACHMENT_TOO_LARGE");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_IMAGE_BYTES) throw new AppError("ATTACHMENT_TOO_LARGE");
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
