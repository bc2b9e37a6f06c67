import type { Db } from "../db/client.js";
import { topicTags } from "./topic.tags.js";

export const FEEDBACK_TYPES = ["suggestion", "inquiry"] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];
export const SUGGESTION_STATUSES = ["new", "adopted", "replied"] as const;

export interface FeedbackInput {
  type: FeedbackType;
  text: string;
  customerId: string;
  conversationId: string;
  channel: string;
  locale: string;
  articleId?: string | undefined;
  status: string;
}

/** Longest text one feedback record keeps (a suggestion and what the customer added to it). */
const MAX_TEXT = 4000;

/**
 * 建议 and 咨询 kept as records (003 §8.2: every kind of feedback is kept, summarised and
 * analysed), tagged with their topic words for the dashboard's hot topics (003 §8.3).
 */
export class FeedbackService {
  constructor(private readonly db: Db) {}

  async record(input: FeedbackInput): Promise<string> {
    const text = input.text.slice(0, MAX_TEXT);
    const row = await this.db.feedback.create({
      data: {
        type: input.type,
        text,
        customerId: input.customerId,
        conversationId: input.conversationId,
        channel: input.channel,
        locale: input.locale,
        tags: topicTags(text),
        articleId: input.articleId ?? null,
        status: input.status,
      },
      select: { id: true },
    });
    return row.id;
  }

  /** The customer's next message adds to their suggestion (issue 14). */
  async append(id: string, more: string): Promise<void> {
    const row = await this.db.feedback.findUnique({ where: { id }, select: { text: true } });
    if (!row) return;
    const text = `${row.text}\n${more}`.slice(0, MAX_TEXT);
    await this.db.feedback.update({ where: { id }, data: { text, tags: topicTags(text) } });
  }
}
