import type { MessageDto, QuickReply } from "./channel.js";

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
  const payload = m.payload as { quickReplies?: QuickReply[] } | null;
  return {
    id: m.id,
    seq: m.seq.toString(),
    direction: m.direction === "in" ? "in" : "out",
    author: m.author as MessageDto["author"],
    text: m.text,
    ...(payload?.quickReplies?.length ? { quickReplies: payload.quickReplies } : {}),
    createdAt: m.createdAt.toISOString(),
  };
}
