import type { QuickReply } from "./channel.js";

/** A message as the chat widget, the console and the API show it. */
export interface MessageDto {
  id: string;
  seq: string;
  direction: "in" | "out";
  author: "customer" | "bot" | "agent" | "system";
  text: string;
  quickReplies?: QuickReply[];
  createdAt: string;
}

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
