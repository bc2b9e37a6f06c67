import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireRole, STAFF } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import type { OutletService } from "./outlet.service.js";

/** 5 MB: ~50,000 rows of a typical outlet file. */
const IMPORT_BODY_LIMIT = 5 * 1024 * 1024;

const outletOut = z.object({
  code: z.string(),
  name: z.string(),
  regions: z.array(z.object({ code: z.string(), name: z.string() })),
  groupCode: z.string().nullable(),
  shipments: z.array(z.object({ month: z.string(), shipments: z.number().int() })),
});
const codeParam = z.object({ code: z.string().min(1).max(40) });

/**
 * Outlets (网点, issue 23): staff read them (the console's outlet picker), admins import the CSV
 * and change one outlet. The CSV parser is registered in this plugin's scope only.
 */
export const outletRoutes =
  (outlets: OutletService, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    const admin = requireRole(auth, "admin");
    const staff = requireRole(auth, ...STAFF);
    const security = [{ bearer: [] }];
    // Raw bytes: the service decodes them in the charset the request names (utf-8 or gbk/gb18030),
    // so a NUL or a stray byte is reported on its row rather than refusing the whole request.
    app.addContentTypeParser(
      ["text/csv", "text/plain"],
      { parseAs: "buffer", bodyLimit: IMPORT_BODY_LIMIT },
      (_r, body, done) => done(null, body),
    );

    app.get(
      "/api/outlets",
      {
        onRequest: staff,
        schema: {
          tags: ["outlets"],
          security,
          summary: "Outlets (网点), by code; `q` searches code, name and region code",
          querystring: z.object({
            q: z.string().trim().max(100).optional(),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({ total: z.number().int(), outlets: z.array(outletOut) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) =>
        outlets.list({
          search: request.query.q || undefined,
          page: request.query.page,
          pageSize: request.query.pageSize,
        }),
    );

    app.get(
      "/api/outlets/:code",
      {
        onRequest: staff,
        schema: {
          tags: ["outlets"],
          security,
          summary: "One outlet with its last 12 months of shipments",
          params: codeParam,
          response: { 200: outletOut, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => outlets.get(request.params.code),
    );

    app.post(
      "/api/admin/outlets/import",
      {
        onRequest: admin,
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ["outlets"],
          security,
          summary: "Import outlets from CSV (all rows or none)",
          description:
            "Content-Type `text/csv` (charset utf-8 by default; `charset=gbk` or `gb18030` for Excel's Chinese CSV). " +
            "Header (English or Chinese names, any order): code 网点编码, name 网点名称, regions 地区 (GB/T 2260 codes " +
            "or names, separated by spaces or ;), group 客服组 (agent group code: the outlet's complaints go there), " +
            "month 月份 (YYYY-MM) and shipments 件量. One row per outlet and month. Any bad row → 400 " +
            "OUTLET_IMPORT_INVALID with `details.errors[]` ({line, column, code, message, messageZh}) and nothing stored; " +
            "an unreadable file → 400 OUTLET_FILE_INVALID (`details.reason`).",
          response: {
            200: z.object({
              rows: z.number().int(),
              created: z.number().int(),
              updated: z.number().int(),
              months: z.number().int(),
            }),
            ...errorResponses(400, 401, 403, 413, 415),
          },
        },
      },
      async (request) => {
        const type = request.headers["content-type"] ?? "";
        const charset = /charset\s*=\s*"?([\w-]+)/i.exec(type)?.[1];
        const csv = /^text\/(csv|plain)\b/i.test(type);
        // An empty body is not parsed at all: an empty file.
        const body = request.body === undefined && csv ? Buffer.alloc(0) : request.body;
        if (!Buffer.isBuffer(body)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the file as text/csv");
        return outlets.importCsv(body, charset, request.principal!.agentId);
      },
    );

    app.patch(
      "/api/admin/outlets/:code",
      {
        onRequest: admin,
        schema: {
          tags: ["outlets"],
          security,
          summary: "Change an outlet's name, regions or agent group (null: ordinary routing)",
          params: codeParam,
          body: z.object({
            name: z.string().trim().min(1).max(100).optional(),
            regions: z.array(z.string().trim().min(1).max(40)).max(50).optional(),
            groupCode: z.string().min(1).max(40).nullable().optional(),
          }),
          response: { 200: outletOut, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => outlets.update(request.params.code, request.body, request.principal!.agentId),
    );
  };
