import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { StaffAudit } from "../agents/audit.js";
import { requireRole, STAFF } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import { csvLine } from "../reports/csv.format.js";
import { CsvMalformedError, type CsvRecord, readCsv } from "../tracking/csv.parser.js";
import type { KnowledgeService } from "./knowledge.service.js";
import { type Article, articleInput } from "./knowledge.types.js";

const articleSchema = z.object({
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable(),
  questions: z.array(z.string()),
  answer: z.string(),
  answerEn: z.string().nullable(),
  category: z.string(),
  tags: z.array(z.string()),
  source: z.string(),
  enabled: z.boolean(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  version: z.number(),
  views: z.number(),
  helpful: z.number(),
  unhelpful: z.number(),
  updatedAt: z.string(),
});

function toDto(a: Article): z.infer<typeof articleSchema> {
  return {
    id: a.id,
    title: a.title,
    titleEn: a.titleEn,
    questions: a.questions,
    answer: a.answer,
    answerEn: a.answerEn,
    category: a.category,
    tags: a.tags,
    source: a.source,
    enabled: a.enabled,
    validFrom: a.validFrom?.toISOString() ?? null,
    validTo: a.validTo?.toISOString() ?? null,
    version: a.version,
    views: a.views,
    helpful: a.helpful,
    unhelpful: a.unhelpful,
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** CSV columns (export and import); list cells are joined with " | ". */
const CSV_FIELDS = [
  "title",
  "titleEn",
  "questions",
  "answer",
  "answerEn",
  "category",
  "tags",
  "source",
  "enabled",
  "validFrom",
  "validTo",
] as const;
const LIST_SEP = " | ";
const MAX_IMPORT_ROWS = 5000;

function csvRows(text: string): unknown[] {
  let records: CsvRecord[];
  try {
    records = readCsv(text).filter((r) => r.fields.some((f) => f.trim() !== ""));
  } catch (err) {
    if (err instanceof CsvMalformedError)
      throw new AppError("VALIDATION_FAILED", `CSV ${err.message}`, { line: err.line, reason: err.code });
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) return [];
  const cols = header.fields.map((h) => h.trim());
  const missing = ["title", "answer", "category"].filter((c) => !cols.includes(c));
  if (missing.length) throw new AppError("VALIDATION_FAILED", `CSV header lacks: ${missing.join(", ")}`);
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    cols.forEach((c, i) => {
      const v = r.fields[i] ?? "";
      if (c === "questions" || c === "tags")
        o[c] = v
          ? v
              .split(LIST_SEP.trim())
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
      else if (c === "enabled") o[c] = !/^(false|0|no|否)$/i.test(v.trim());
      else if (c === "titleEn" || c === "answerEn" || c === "validFrom" || c === "validTo") o[c] = v.trim() ? v : null;
      else o[c] = v;
    });
    return o;
  });
}

function jsonlRows(text: string): unknown[] {
  return text
    .split(/\r?\n/)
    .map((l, i) => ({ l: l.trim(), i }))
    .filter(({ l }) => l)
    .map(({ l, i }) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new AppError("VALIDATION_FAILED", "Import refused: fix these rows", {
          rows: [{ row: i + 1, message: "not valid JSON" }],
        });
      }
    });
}

/** Knowledge-base admin (articles: admin; list and 试一试 search: staff) and the unanswered to-do list. */
export const knowledgeRoutes =
  (kb: KnowledgeService, auth: AuthService, audit: StaffAudit): FastifyPluginAsyncZod =>
  async (app) => {
    const admins = requireRole(auth, "admin");
    const readers = requireRole(auth, "supervisor", "admin");
    const staff = requireRole(auth, ...STAFF);
    const security = [{ bearer: [] }];

    app.get(
      "/api/kb/articles",
      {
        onRequest: readers,
        schema: {
          tags: ["knowledge"],
          summary: "Articles with their views and 有帮助/没帮助 counts",
          security,
          querystring: z.object({
            q: z.string().trim().min(1).max(100).optional(),
            category: z.string().trim().min(1).max(50).optional(),
          }),
          response: { 200: z.object({ items: z.array(articleSchema) }), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => ({ items: (await kb.listArticles(request.query)).map(toDto) }),
    );

    app.get(
      "/api/kb/articles/:id",
      {
        onRequest: readers,
        schema: {
          tags: ["knowledge"],
          summary: "One article",
          security,
          params: z.object({ id: z.uuid() }),
          response: { 200: articleSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => toDto(await kb.getArticle(request.params.id)),
    );

    app.post(
      "/api/kb/articles",
      {
        onRequest: admins,
        schema: {
          tags: ["knowledge"],
          summary: "Create an article (409 CONFLICT on a duplicate title)",
          security,
          body: articleInput,
          response: { 201: articleSchema, ...errorResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const article = await kb.createArticle(request.body, request.principal?.username ?? null);
        await audit(request.principal!.agentId, {
          action: "kb.article.create",
          subjectType: "kb_article",
          subjectId: article.id,
          data: { title: article.title },
        });
        return reply.code(201).send(toDto(article));
      },
    );

    app.put(
      "/api/kb/articles/:id",
      {
        onRequest: admins,
        schema: {
          tags: ["knowledge"],
          summary: "Replace an article's content (a new version; enabled:false disables it)",
          security,
          params: z.object({ id: z.uuid() }),
          body: articleInput,
          response: { 200: articleSchema, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const article = await kb.updateArticle(request.params.id, request.body, request.principal?.username ?? null);
        await audit(request.principal!.agentId, {
          action: "kb.article.update",
          subjectType: "kb_article",
          subjectId: article.id,
          data: { title: article.title, enabled: article.enabled },
        });
        return toDto(article);
      },
    );

    app.delete(
      "/api/kb/articles/:id",
      {
        onRequest: admins,
        schema: {
          tags: ["knowledge"],
          summary: "Delete an article (its versions stay)",
          security,
          params: z.object({ id: z.uuid() }),
          response: { 204: z.null(), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await kb.deleteArticle(request.params.id);
        await audit(request.principal!.agentId, {
          action: "kb.article.delete",
          subjectType: "kb_article",
          subjectId: request.params.id,
        });
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/kb/search",
      {
        onRequest: staff,
        schema: {
          tags: ["knowledge"],
          summary: "试一试: the best matches for a question with their scores and the answer threshold",
          security,
          body: z.object({ q: z.string().trim().min(1).max(500), locale: z.enum(["zh-CN", "en"]).optional() }),
          response: {
            200: z.object({
              threshold: z.number(),
              items: z.array(
                z.object({
                  id: z.string(),
                  title: z.string(),
                  score: z.number(),
                  matched: z.string(),
                  answers: z.boolean(),
                }),
              ),
            }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) => ({
        threshold: kb.threshold,
        items: kb.search(request.body.q, 5).map((m, i) => ({
          id: m.article.id,
          title: request.body.locale === "en" && m.article.titleEn ? m.article.titleEn : m.article.title,
          score: m.score,
          matched: m.matched,
          answers: i === 0 && m.score >= kb.threshold,
        })),
      }),
    );

    app.get(
      "/api/kb/export",
      {
        onRequest: admins,
        schema: {
          tags: ["knowledge"],
          summary: "Every article as JSONL or CSV (UTF-8 with BOM)",
          security,
          querystring: z.object({ format: z.enum(["jsonl", "csv"]).default("jsonl") }),
          response: { 200: z.string(), ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const items = await kb.listArticles({});
        const rows = items.map((a) => {
          const { id: _i, version: _v, views: _w, helpful: _h, unhelpful: _u, updatedAt: _t, ...rest } = toDto(a);
          return rest;
        });
        if (request.query.format === "jsonl") {
          return reply
            .header("content-type", "application/x-ndjson; charset=utf-8")
            .header("content-disposition", 'attachment; filename="kb.jsonl"')
            .send(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
        }
        const body =
          "\uFEFF" +
          csvLine([...CSV_FIELDS]) +
          rows
            .map((r) =>
              csvLine(
                CSV_FIELDS.map((f) => {
                  const v = r[f];
                  return Array.isArray(v) ? v.join(LIST_SEP) : typeof v === "boolean" ? String(v) : v;
                }),
              ),
            )
            .join("");
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", 'attachment; filename="kb.csv"')
          .send(body);
      },
    );

    app.post(
      "/api/kb/import",
      {
        onRequest: admins,
        schema: {
          tags: ["knowledge"],
          summary:
            "Import JSONL or CSV (format=…; body text/plain). Any bad row refuses the whole file (400 with a reason per row); a known title becomes a new version",
          security,
          querystring: z.object({ format: z.enum(["jsonl", "csv"]) }),
          response: {
            200: z.object({ created: z.number(), updated: z.number() }),
            ...errorResponses(400, 401, 403, 413, 415),
          },
        },
      },
      async (request) => {
        if (typeof request.body !== "string")
          throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the file as text/plain");
        const rows = request.query.format === "csv" ? csvRows(request.body) : jsonlRows(request.body);
        if (rows.length > MAX_IMPORT_ROWS) throw new AppError("VALIDATION_FAILED", `At most ${MAX_IMPORT_ROWS} rows`);
        const result = await kb.importArticles(rows, request.principal?.username ?? null);
        await audit(request.principal!.agentId, {
          action: "kb.import",
          data: { format: request.query.format, ...result },
        });
        return result;
      },
    );

    app.get(
      "/api/kb/unanswered",
      {
        onRequest: readers,
        schema: {
          tags: ["knowledge"],
          summary: "未解决问题: open unanswered and 没帮助 questions grouped by similarity, with counts and examples",
          security,
          response: {
            200: z.object({
              groups: z.array(
                z.object({
                  question: z.string(),
                  count: z.number(),
                  unhelpful: z.number(),
                  examples: z.array(z.string()),
                  ids: z.array(z.string()),
                  lastAt: z.string(),
                }),
              ),
            }),
            ...errorResponses(401, 403),
          },
        },
      },
      async () => ({ groups: await kb.unansweredGroups() }),
    );

    app.post(
      "/api/kb/unanswered/close",
      {
        onRequest: admins,
        schema: {
          tags: ["knowledge"],
          summary: "Mark to-do questions resolved (an article now answers them) or dismissed",
          security,
          body: z.object({ ids: z.array(z.uuid()).min(1).max(2000), status: z.enum(["resolved", "dismissed"]) }),
          response: { 200: z.object({ closed: z.number() }), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const closed = await kb.closeUnanswered(request.body.ids, request.body.status);
        await audit(request.principal!.agentId, {
          action: "kb.unanswered.close",
          data: { status: request.body.status, closed },
        });
        return { closed };
      },
    );
  };
