import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireRole } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { errorResponses } from "../http/schemas.js";
import type { RequestRouting } from "./request-routing.js";
import { REQUEST_TYPES } from "./ticket-types.js";

const route = z.object({ type: z.enum(REQUEST_TYPES), groupCode: z.string(), custom: z.boolean() });

/** Admin API: which group new service requests of each type go to (issue 15). */
export const requestRoutingRoutes =
  (routing: RequestRouting, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    const readers = requireRole(auth, "supervisor", "admin");
    const admins = requireRole(auth, "admin");
    const security = [{ bearer: [] }];

    app.get(
      "/api/admin/request-routing",
      {
        onRequest: readers,
        schema: {
          tags: ["admin"],
          security,
          summary: "The group each service-request type is opened in (custom = changed by an admin)",
          response: { 200: z.object({ items: z.array(route) }), ...errorResponses(401, 403) },
        },
      },
      async () => ({ items: await routing.routes() }),
    );

    app.put(
      "/api/admin/request-routing/:type",
      {
        onRequest: admins,
        schema: {
          tags: ["admin"],
          security,
          summary:
            "Send new requests of a type to a group (404 REQUEST_TYPE_UNKNOWN, 400 GROUP_UNKNOWN); open requests stay where they are",
          params: z.object({ type: z.string().min(1).max(40) }),
          body: z.object({ groupCode: z.string().trim().min(1).max(50) }),
          response: { 200: route, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => routing.put(request.params.type, request.body.groupCode, request.principal!.agentId),
    );
  };
