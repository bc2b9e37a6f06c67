import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { API_SCOPES } from "../agents/api-scopes.js";
import { requireRole } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { errorResponses } from "../http/schemas.js";
import type { ApiKeyService } from "./api-key.service.js";

const keyView = z.object({
  id: z.string(),
  name: z.string(),
  hint: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});

/** Admin API of API keys for systems (issue 21). Admin only; create and revoke are audited. */
export const apiKeyRoutes =
  (keys: ApiKeyService, auth: AuthService, now: () => Date): FastifyPluginAsyncZod =>
  async (app) => {
    const admins = requireRole(auth, "admin");
    const security = [{ bearer: [] }];
    const tags = ["integrations"];

    app.get(
      "/api/admin/api-keys",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "API keys for systems (never the key: a hint of its first characters), with their scopes",
          response: {
            200: z.object({ items: z.array(keyView), scopes: z.array(z.string()) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async () => ({ items: await keys.list(), scopes: [...API_SCOPES] }),
    );

    app.post(
      "/api/admin/api-keys",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary:
            "Create an API key (`kd_…`) with scopes and an optional expiry; the key is in this answer only, stored as its sha256",
          body: z.object({
            name: z.string().trim().min(1).max(100),
            scopes: z.array(z.enum(API_SCOPES)).min(1).max(API_SCOPES.length),
            expiresAt: z.iso.datetime({ offset: true }).optional(),
          }),
          response: { 201: keyView.extend({ key: z.string() }), ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const { name, scopes, expiresAt } = request.body;
        const created = await keys.create(
          { name, scopes, expiresAt: expiresAt ? new Date(expiresAt) : undefined },
          request.principal!.agentId,
        );
        return reply.code(201).header("cache-control", "no-store").send(created);
      },
    );

    app.delete(
      "/api/admin/api-keys/:id",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "Revoke an API key: from the next request on it gets 401 API_KEY_REVOKED",
          params: z.object({ id: z.uuid() }),
          response: { 200: keyView, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => keys.revoke(request.params.id, request.principal!.agentId, now()),
    );
  };
