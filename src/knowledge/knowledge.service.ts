import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { EventBus } from "../realtime/event-bus.js";
import { DEFAULT_ARTICLES } from "./default-articles.js";
import type { Article, ArticleInput, KbMatch } from "./knowledge.types.js";
import type { Retriever } from "./retriever.js";

/** Realtime topic on which an edit tells every instance to rebuild its index. */
export const KB_TOPIC = "kb";

/**
 * Measured on the held-out set (`npm run kb -- eval`, README "Knowledge base"): the lowest
 * confidence at which wrong answers to unanswerable questions stay ≤ 5 %.
 */
export const DEFAULT_ANSWER_THRESHOLD = 0.4;

export interface KnowledgeDeps {
  db: Db;
  retriever: Retriever;
  bus: EventBus;
  log: Logger;
  threshold?: number;
  now?: () => Date;
}

export interface UnansweredInput {
  question: string;
  locale: string;
  channel: string;
  conversationId?: string | undefined;
  reason: "no_match" | "unhelpful";
  articleId?: string | undefined;
  score: number;
}

/**
 * The knowledge base: articles in the database, an in-memory index of the enabled ones, and
 * what customers made of the answers (views, 有帮助/没帮助, unanswered questions).
 */
export class KnowledgeService {
  readonly threshold: number;
  private articles = new Map<string, Article>();
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: KnowledgeDeps) {
    this.threshold = deps.threshold ?? DEFAULT_ANSWER_THRESHOLD;
    this.now = deps.now ?? (() => new Date());
  }

  /** Loads the index and follows edits made on any instance. */
  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = this.deps.bus.subscribe(KB_TOPIC, () => {
      void this.reload().catch((err) => this.deps.log.warn({ err }, "knowledge base reload failed"));
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** First start: the default articles (issue 14), each with its version 1. */
  async seedDefaults(): Promise<number> {
    const { db } = this.deps;
    if ((await db.kbArticle.count()) > 0) return 0;
    const inputs = DEFAULT_ARTICLES.map((a) => ({ ...a, enabled: true, validFrom: null, validTo: null }));
    const ids = inputs.map(() => randomUUID());
    // Two statements, not 2 × 46: first start stays quick on PGlite.
    await db.$transaction([
      db.kbArticle.createMany({ data: inputs.map((a, i) => ({ id: ids[i]!, ...articleData(a) })) }),
      db.kbArticleVersion.createMany({
        data: inputs.map((a, i) => ({ articleId: ids[i]!, version: 1, data: snapshot(a), editedBy: "system" })),
      }),
    ]);
    return inputs.length;
  }

  async reload(): Promise<void> {
    const rows = await this.deps.db.kbArticle.findMany({ where: { enabled: true } });
    this.articles = new Map(rows.map((r) => [r.id, r as Article]));
    this.deps.retriever.index(
      rows.map((r) => ({
        id: r.id,
        questions: [r.title, ...(r.titleEn ? [r.titleEn] : []), ...r.questions],
        body: [r.answer, r.answerEn ?? "", ...r.tags, r.category].join("\n"),
      })),
    );
  }

  private async changed(): Promise<void> {
    await this.reload();
    await this.deps.bus.publish(KB_TOPIC, { type: "kb.changed" });
  }

  /** Ranked matches that are enabled and valid now (score ≥ 0; compare with `threshold`). */
  search(question: string, limit = 5): KbMatch[] {
    const now = this.now().getTime();
    const out: KbMatch[] = [];
    for (const m of this.deps.retriever.search(question, limit + 5)) {
      const article = this.articles.get(m.articleId);
      if (!article) continue;
      if (article.validFrom && article.validFrom.getTime() > now) continue;
      if (article.validTo && article.validTo.getTime() <= now) continue;
      out.push({ article, score: m.score, matched: m.matched });
      if (out.length >= limit) break;
    }
    return out;
  }

  article(id: string): Article | undefined {
    return this.articles.get(id);
  }

  async recordView(articleId: string): Promise<void> {
    await this.deps.db.kbArticle.updateMany({ where: { id: articleId }, data: { views: { increment: 1 } } });
  }

  async recordVerdict(articleId: string, helpful: boolean): Promise<void> {
    await this.deps.db.kbArticle.updateMany({
      where: { id: articleId },
      data: helpful ? { helpful: { increment: 1 } } : { unhelpful: { increment: 1 } },
    });
  }

  async recordUnanswered(input: UnansweredInput): Promise<void> {
    await this.deps.db.kbUnanswered.create({
      data: {
        question: input.question.slice(0, 1000),
        locale: input.locale,
        channel: input.channel,
        conversationId: input.conversationId ?? null,
        reason: input.reason,
        articleId: input.articleId ?? null,
        score: input.score,
      },
    });
  }

  async createArticle(
    input: ArticleInput,
    editedBy: string | null,
    tx: Prisma.TransactionClient = this.deps.db,
  ): Promise<Article> {
    const row = await tx.kbArticle.create({ data: articleData(input) });
    await tx.kbArticleVersion.create({
      data: { articleId: row.id, version: 1, data: snapshot(input), editedBy },
    });
    return row as Article;
  }
}

function articleData(input: ArticleInput): Prisma.KbArticleCreateInput {
  return {
    title: input.title,
    titleEn: input.titleEn,
    questions: input.questions,
    answer: input.answer,
    answerEn: input.answerEn,
    category: input.category,
    tags: input.tags,
    source: input.source,
    enabled: input.enabled,
    validFrom: input.validFrom,
    validTo: input.validTo,
  };
}

function snapshot(input: ArticleInput): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(input)) as Prisma.InputJsonValue;
}
