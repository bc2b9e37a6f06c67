import fs from "node:fs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { StaffAudit } from "../agents/audit.js";
import { requireRole } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { errorResponses } from "../http/schemas.js";
import {
  frameAncestors,
  type WidgetSettingsStore,
  widgetSettingsOut,
  widgetSettingsSchema,
} from "./widget.settings.js";

/**
 * The embeddable widget (issue 18): `/widget.js` (the snippet's script, the admin's settings baked
 * in), `/widget/frame` (the chat page in the panel's iframe, frameable only by the allowed sites)
 * and `/widget-demo` (a carrier's page that embeds it). Settings under /api/admin/widget.
 */
export const widgetRoutes =
  (store: WidgetSettingsStore, auth: AuthService, audit: StaffAudit, webRoot: string): FastifyPluginAsyncZod =>
  async (app) => {
    const admin = requireRole(auth, "admin");
    const security = [{ bearer: [] }];
    const script = fs.readFileSync(`${webRoot}widget/widget.js`, "utf8");

    app.get("/widget.js", { schema: { hide: true } }, async (_request, reply) => {
      const { color, titleZh, titleEn, position } = await store.get();
      // Loaded by other sites' pages: helmet's same-origin resource policy would block it.
      reply.raw.setHeader("cross-origin-resource-policy", "cross-origin");
      return reply
        .type("text/javascript; charset=utf-8")
        .header("cache-control", "public, max-age=300")
        .send(script.replace("__KD_WIDGET_DEFAULTS__", JSON.stringify({ color, titleZh, titleEn, position })));
    });

    app.get("/widget/frame", { schema: { hide: true } }, async (_request, reply) => {
      const settings = await store.get();
      // Only this page may be framed, and only by the sites set in /admin (every other page keeps
      // helmet's frame-ancestors 'self' and X-Frame-Options).
      const csp = String(reply.raw.getHeader("content-security-policy") ?? "");
      reply.raw.setHeader(
        "content-security-policy",
        csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${frameAncestors(settings)}`),
      );
      reply.raw.removeHeader("x-frame-options");
      return reply.sendFile("chat/index.html");
    });

    app.get("/widget-demo", { schema: { hide: true } }, (_request, reply) => reply.sendFile("widget/demo.html"));

    app.get(
      "/api/admin/widget",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "The embeddable web chat widget's settings",
          response: { 200: widgetSettingsOut, ...errorResponses(401, 403) },
        },
      },
      () => store.get(),
    );

    app.put(
      "/api/admin/widget",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "Set the widget's colour, titles, side and the sites allowed to embed it",
          body: widgetSettingsSchema,
          response: { 200: widgetSettingsOut, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const saved = await store.put(request.body);
        await audit(request.principal!.agentId, {
          action: "widget.put",
          subjectType: "setting",
          subjectId: "widget",
          data: { color: saved.color, position: saved.position, embedOrigins: saved.embedOrigins },
        });
        return saved;
      },
    );
  };
