import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import { maskAddressesInText, maskPhonesInText } from "../logger.js";
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

  /** What customers sent, newest first, text with phone numbers masked (a list is not the record). */
  async list(q: FeedbackQuery): Promise<{ total: number; items: FeedbackRow[] }> {
    const where = whereOf(q);
    const [total, rows] = await Promise.all([
      this.db.feedback.count({ where }),
      this.db.feedback.findMany({
        where,
        orderBy: { createdAt: "desc" },
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      }),
    ]);
    return { total, items: rows.map(toRow) };
  }

  async *csv(q: Omit<FeedbackQuery, "page" | "pageSize">): AsyncGenerator<FeedbackRow> {
    const where = whereOf(q);
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.db.feedback.findMany({
        where,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: 500,
        ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      });
      for (const r of rows) yield toRow(r);
      if (rows.length < 500) return;
      cursor = rows[rows.length - 1]!.id;
    }
  }

  /** A supervisor marks a suggestion adopted or replied (003 §12.3.4: the outcome is made known). */
  async setStatus(
    id: string,
    status: "adopted" | "replied",
    note: string | null,
  ): Promise<FeedbackRow & { conversationId: string }> {
    const row = await this.db.feedback.findUnique({ where: { id } });
    if (row?.type !== "suggestion") throw new AppError("NOT_FOUND", "No such suggestion");
    const updated = await this.db.feedback.update({ where: { id }, data: { status, note } });
    return { ...toRow(updated), conversationId: updated.conversationId };
  }

  /** Counts per China day and type, and the period's most frequent topic words with the previous period's. */
  async figures(from: Date, to: Date): Promise<FeedbackFigures> {
    const rows = await this.db.feedback.findMany({
      where: { createdAt: { gte: from, lt: to } },
      select: { type: true, createdAt: true, tags: true, status: true },
    });
    const span = to.getTime() - from.getTime();
    const before = await this.db.feedback.findMany({
      where: { type: "suggestion", createdAt: { gte: new Date(from.getTime() - span), lt: from } },
      select: { tags: true },
    });
    const byDay = new Map<string, { suggestion: number; inquiry: number }>();
    const topics = new Map<string, number>();
    let suggestion = 0;
    let inquiry = 0;
    let answered = 0;
    for (const r of rows) {
      const day = chinaDay(r.createdAt);
      const d = byDay.get(day) ?? { suggestion: 0, inquiry: 0 };
      if (r.type === "suggestion") {
        d.suggestion += 1;
        suggestion += 1;
        for (const t of r.tags) topics.set(t, (topics.get(t) ?? 0) + 1);
      } else {
        d.inquiry += 1;
        inquiry += 1;
        if (r.status === "answered") answered += 1;
      }
      byDay.set(day, d);
    }
    const previous = new Map<string, number>();
    for (const r of before) for (const t of r.tags) previous.set(t, (previous.get(t) ?? 0) + 1);
    return {
      suggestion,
      inquiry,
      inquiryAnswerRate: inquiry ? answered / inquiry : null,
      byDay: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, c]) => ({ day, ...c })),
      hotTopics: [...topics]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 10)
        .map(([term, count]) => ({ term, count, previous: previous.get(term) ?? 0 })),
    };
  }
}

export interface FeedbackQuery {
  type?: FeedbackType | undefined;
  from: Date;
  to: Date;
  q?: string | undefined;
  status?: string | undefined;
  page: number;
  pageSize: number;
}

export interface FeedbackRow {
  id: string;
  type: string;
  text: string;
  customer: string;
  channel: string;
  locale: string;
  tags: string[];
  status: string;
  note: string | null;
  articleId: string | null;
  createdAt: string;
}

export interface FeedbackFigures {
  suggestion: number;
  inquiry: number;
  inquiryAnswerRate: number | null;
  byDay: { day: string; suggestion: number; inquiry: number }[];
  hotTopics: { term: string; count: number; previous: number }[];
}

function whereOf(q: Omit<FeedbackQuery, "page" | "pageSize">): Prisma.FeedbackWhereInput {
  return {
    createdAt: { gte: q.from, lt: q.to },
    ...(q.type ? { type: q.type } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.q ? { OR: [{ text: { contains: q.q, mode: "insensitive" } }, { tags: { has: q.q } }] } : {}),
  };
}

function toRow(r: {
  id: string;
  type: string;
  text: string;
  customerId: string;
  channel: string;
  locale: string;
  tags: string[];
  status: string;
  note: string | null;
  articleId: string | null;
  createdAt: Date;
}): FeedbackRow {
  return {
    id: r.id,
    type: r.type,
    text: maskAddressesInText(maskPhonesInText(r.text)),
    // The customer as a short pseudonym: enough to see repeats, not who they are.
    customer: `C-${r.customerId.slice(0, 8)}`,
    channel: r.channel,
    locale: r.locale,
    tags: r.tags,
    status: r.status,
    note: r.note,
    articleId: r.articleId,
    createdAt: r.createdAt.toISOString(),
  };
}

/** YYYY-MM-DD in China time (UTC+8, no daylight saving). */
export function chinaDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
