import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { type Db, isUniqueViolation } from "../db/client.js";
import { AppError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { EventBus } from "../realtime/event-bus.js";
import { type AnswerPolicy, DEFAULT_POLICY } from "./answer.policy.js";
import { DEFAULT_ARTICLES } from "./default-articles.js";
import { terms } from "./kb.tokeniser.js";
import { type Article, type ArticleInput, articleDocument, articleInput, type KbMatch } from "./knowledge.types.js";
import type { Retriever } from "./retriever.js";

/** Realtime topic on which an edit tells every instance to rebuild its index. */
export const KB_TOPIC = "kb";

/**
 * The article score at which a question is answered when the intent engine reads a question
 * (answer.policy.ts has the others, for off-topic messages and other flows). Chosen on the
 * tuning set with the router counted (`npm run kb -- eval src/knowledge/eval/tuning.txt`,
 * never on the held-out set; README "Questions (咨询) and suggestions (建议)").
 */
export const DEFAULT_ANSWER_THRESHOLD = DEFAULT_POLICY.threshold;

export interface KnowledgeDeps {
  db: Db;
  retriever: Retriever;
  bus: EventBus;
  log: Logger;
  /** Overrides the answer policy's threshold (tests); the other scores never go below it. */
  threshold?: number;
  policy?: AnswerPolicy;
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
  /** When an article answers, by its score and the intent engine's verdict. */
  readonly policy: AnswerPolicy;
  private articles = new Map<string, Article>();
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: KnowledgeDeps) {
    const policy = deps.policy ?? DEFAULT_POLICY;
    this.policy = deps.threshold === undefined ? policy : { ...policy, threshold: deps.threshold };
    this.threshold = this.policy.threshold;
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

  /**
   * The default articles (issue 14), each with its version 1 by "system": all of them on the
   * first start; after an upgrade, the defaults this installation has never been offered (a
   * version-1 "system" snapshot records each one offered, and survives an admin's edit, rename or
   * delete, so a removed default does not come back). A default whose title an admin's own article
   * already has is skipped. Returns how many were added.
   */
  async seedDefaults(): Promise<number> {
    const { db } = this.deps;
    let wanted = DEFAULT_ARTICLES;
    if ((await db.kbArticle.count()) > 0) {
      const offered = await db.kbArticleVersion.findMany({
        where: { version: 1, editedBy: "system" },
        select: { data: true },
      });
      const seen = new Set(offered.map((v) => (v.data as { title?: unknown } | null)?.title));
      const taken = new Set(
        (
          await db.kbArticle.findMany({
            where: { title: { in: DEFAULT_ARTICLES.map((a) => a.title) } },
            select: { title: true },
          })
        ).map((a) => a.title),
      );
      wanted = DEFAULT_ARTICLES.filter((a) => !seen.has(a.title) && !taken.has(a.title));
      if (!wanted.length) return 0;
    }
    const inputs = wanted.map((a) => ({ ...a, enabled: true, validFrom: null, validTo: null }));
    const ids = inputs.map(() => randomUUID());
    // Two statements, not 2 × 63: first start stays quick on PGlite.
    await db.$transaction([
      db.kbArticle.createMany({ data: inputs.map((a, i) => ({ id: ids[i]!, ...articleData(a) })) }),
      db.kbArticleVersion.createMany({
        data: inputs.map((a, i) => ({ articleId: ids[i]!, version: 1, data: snapshot(a), editedBy: "system" })),
      }),
    ]);
    if (wanted.length < DEFAULT_ARTICLES.length)
      this.deps.log.info({ added: inputs.map((a) => a.title) }, "knowledge base: new default articles added");
    return inputs.length;
  }

  async reload(): Promise<void> {
    const rows = await this.deps.db.kbArticle.findMany({ where: { enabled: true } });
    this.articles = new Map(rows.map((r) => [r.id, r as Article]));
    this.deps.retriever.index(rows.map((r) => articleDocument(r)));
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

  /** The enabled articles valid now (issue 15: pickups read the `禁寄:<item>` tags). */
  current(): Article[] {
    const now = this.now().getTime();
    return [...this.articles.values()].filter(
      (a) => (!a.validFrom || a.validFrom.getTime() <= now) && (!a.validTo || a.validTo.getTime() > now),
    );
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

  async createArticle(input: ArticleInput, editedBy: string | null): Promise<Article> {
    checkDates(input);
    const article = await this.uniqueTitle(() =>
      this.deps.db.$transaction(async (tx) => {
        const row = await tx.kbArticle.create({ data: articleData(input) });
        await tx.kbArticleVersion.create({ data: { articleId: row.id, version: 1, data: snapshot(input), editedBy } });
        return row as Article;
      }),
    );
    await this.changed();
    return article;
  }

  /** Replaces an article's content; the previous content stays as a version. */
  async updateArticle(id: string, input: ArticleInput, editedBy: string | null): Promise<Article> {
    checkDates(input);
    const article = await this.uniqueTitle(() =>
      this.deps.db.$transaction(async (tx) => {
        const found = await tx.kbArticle.findUnique({ where: { id }, select: { version: true } });
        if (!found) throw new AppError("NOT_FOUND", "No such article");
        const version = found.version + 1;
        const row = await tx.kbArticle.update({ where: { id }, data: { ...articleData(input), version } });
        await tx.kbArticleVersion.create({ data: { articleId: id, version, data: snapshot(input), editedBy } });
        return row as Article;
      }),
    );
    await this.changed();
    return article;
  }

  /** Removes an article from the knowledge base; its versions stay for the audit trail. */
  async deleteArticle(id: string): Promise<void> {
    const { count } = await this.deps.db.kbArticle.deleteMany({ where: { id } });
    if (!count) throw new AppError("NOT_FOUND", "No such article");
    await this.changed();
  }

  async listArticles(filter: { q?: string | undefined; category?: string | undefined }): Promise<Article[]> {
    const rows = await this.deps.db.kbArticle.findMany({
      where: {
        ...(filter.category ? { category: filter.category } : {}),
        ...(filter.q
          ? {
              OR: [
                { title: { contains: filter.q, mode: "insensitive" } },
                { answer: { contains: filter.q, mode: "insensitive" } },
                { tags: { has: filter.q } },
              ],
            }
          : {}),
      },
      orderBy: [{ category: "asc" }, { title: "asc" }],
    });
    return rows as Article[];
  }

  async getArticle(id: string): Promise<Article> {
    const row = await this.deps.db.kbArticle.findUnique({ where: { id } });
    if (!row) throw new AppError("NOT_FOUND", "No such article");
    return row as Article;
  }

  /**
   * Imports rows (parsed JSONL or CSV): every row is checked first and any bad row refuses the
   * whole file with a reason per row; then all are written in one transaction. A title that
   * exists already becomes a new version of that article.
   */
  async importArticles(rows: unknown[], editedBy: string | null): Promise<{ created: number; updated: number }> {
    const errors: { row: number; message: string }[] = [];
    const inputs: ArticleInput[] = [];
    const seen = new Set<string>();
    rows.forEach((raw, i) => {
      const parsed = articleInput.safeParse(raw);
      if (!parsed.success) {
        errors.push({
          row: i + 1,
          message: parsed.error.issues.map((e) => `${e.path.join(".")}: ${e.message}`).join("; "),
        });
        return;
      }
      const a = parsed.data;
      if (seen.has(a.title)) errors.push({ row: i + 1, message: `duplicate title in file: ${a.title}` });
      else if (a.validFrom && a.validTo && a.validFrom >= a.validTo)
        errors.push({ row: i + 1, message: "validFrom must be before validTo" });
      seen.add(a.title);
      inputs.push(a);
    });
    if (!rows.length) errors.push({ row: 0, message: "the file has no articles" });
    if (errors.length) throw new AppError("VALIDATION_FAILED", "Import refused: fix these rows", { rows: errors });
    const result = await this.deps.db.$transaction(
      async (tx) => {
        let created = 0;
        let updated = 0;
        for (const input of inputs) {
          const found = await tx.kbArticle.findUnique({
            where: { title: input.title },
            select: { id: true, version: true },
          });
          if (found) {
            const version = found.version + 1;
            await tx.kbArticle.update({ where: { id: found.id }, data: { ...articleData(input), version } });
            await tx.kbArticleVersion.create({
              data: { articleId: found.id, version, data: snapshot(input), editedBy },
            });
            updated += 1;
          } else {
            const row = await tx.kbArticle.create({ data: articleData(input), select: { id: true } });
            await tx.kbArticleVersion.create({
              data: { articleId: row.id, version: 1, data: snapshot(input), editedBy },
            });
            created += 1;
          }
        }
        return { created, updated };
      },
      { timeout: 60_000 },
    );
    await this.changed();
    return result;
  }

  /**
   * The to-do list: open unanswered and 没帮助 questions grouped by similarity (shared terms),
   * biggest groups first, with counts and examples.
   */
  async unansweredGroups(limit = 50): Promise<UnansweredGroup[]> {
    const rows = await this.deps.db.kbUnanswered.findMany({
      where: { status: "open" },
      orderBy: { createdAt: "desc" },
      take: 2000,
    });
    const groups: (UnansweredGroup & { terms: Set<string> })[] = [];
    for (const r of rows) {
      const qt = new Set(terms(r.question));
      let home: (typeof groups)[number] | undefined;
      let best = 0;
      for (const g of groups) {
        let shared = 0;
        for (const x of qt) if (g.terms.has(x)) shared += 1;
        const sim = shared / Math.max(1, Math.min(qt.size, g.terms.size));
        if (sim > best) {
          best = sim;
          home = g;
        }
      }
      if (home && best >= GROUP_SIMILARITY) {
        home.count += 1;
        home.ids.push(r.id);
        if (home.examples.length < 5 && !home.examples.includes(r.question)) home.examples.push(r.question);
        if (r.reason === "unhelpful") home.unhelpful += 1;
      } else {
        groups.push({
          question: r.question,
          count: 1,
          unhelpful: r.reason === "unhelpful" ? 1 : 0,
          examples: [r.question],
          ids: [r.id],
          lastAt: r.createdAt.toISOString(),
          terms: qt,
        });
      }
    }
    return groups
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
      .slice(0, limit)
      .map(({ terms: _t, ...g }) => g);
  }

  /** Marks to-do questions done (an article now answers them) or dismissed. */
  async closeUnanswered(ids: string[], status: "resolved" | "dismissed"): Promise<number> {
    const { count } = await this.deps.db.kbUnanswered.updateMany({ where: { id: { in: ids } }, data: { status } });
    return count;
  }

  private async uniqueTitle<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError("CONFLICT", "An article with this title exists already");
      throw err;
    }
  }
}

/** Share of the smaller question's terms two questions must share to be one group. */
const GROUP_SIMILARITY = 0.5;

export interface UnansweredGroup {
  question: string;
  count: number;
  unhelpful: number;
  examples: string[];
  ids: string[];
  lastAt: string;
}

function checkDates(input: ArticleInput): void {
  if (input.validFrom && input.validTo && input.validFrom >= input.validTo)
    throw new AppError("VALIDATION_FAILED", "validFrom must be before validTo");
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
