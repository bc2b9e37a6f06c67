import type { AttachmentDto, MessageDto, QuickReply } from "./channel.js";

interface MessageRow {
  id: string;
  seq: bigint;
  direction: string;
  author: string;
  text: string;
  payload: unknown;
  createdAt: Date;
}

export function toMessageDto(m: MessageRow): MessageDto {
  const payload = m.payload as {
    quickReplies?: QuickReply[];
    attachments?: AttachmentDto[];
    agentName?: string;
  } | null;
  return {
    id: m.id,
    seq: m.seq.toString(),
    direction: m.direction === "in" ? "in" : "out",
    author: m.author as MessageDto["author"],
    text: m.text,
    ...(payload?.quickReplies?.length ? { quickReplies: payload.quickReplies } : {}),
    ...(payload?.attachments?.length ? { attachments: attachmentDtos(payload.attachments) } : {}),
    ...(m.author === "agent" && payload?.agentName ? { agentName: payload.agentName } : {}),
    createdAt: m.createdAt.toISOString(),
  };
}

/** The public part of stored attachments (the payload also keeps the OCR outcome). */
export function attachmentDtos(list: readonly AttachmentDto[]): AttachmentDto[] {
  return list.map((a) => ({ id: a.id, mime: a.mime, width: a.width, height: a.height }));
}
