import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorResponses } from "../http/schemas.js";
import { bearerToken, requireRole, STAFF } from "./auth.plugin.js";
import { type AuthService, ROLES } from "./auth.service.js";

export const authRoutes =
  (auth: AuthService, loginsPerMinute = 20): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/api/auth/login",
      {
        config: { rateLimit: { max: loginsPerMinute, timeWindow: "1 minute" } },
        schema: {
          tags: ["auth"],
          summary: "Log in as an agent, supervisor or admin; returns a bearer token",
          body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
          response: {
            200: z.object({
              token: z.string(),
              expiresAt: z.string(),
              agent: z.object({
                id: z.string(),
                username: z.string(),
                displayName: z.string(),
                role: z.enum(ROLES),
                groups: z.array(z.string()),
              }),
            }),
            ...errorResponses(400, 401),
          },
        },
      },
      async (request) => {
        const { token, expiresAt, principal } = await auth.login(request.body.username, request.body.password);
        return {
          token,
          expiresAt: expiresAt.toISOString(),
          agent: {
            id: principal.agentId,
            username: principal.username,
            displayName: principal.displayName,
            role: principal.role,
            groups: principal.groups,
          },
        };
      },
    );

    app.post(
      "/api/auth/logout",
      {
        onRequest: requireRole(auth, ...STAFF),
        schema: {
          tags: ["auth"],
          summary: "Revoke the current token",
          security: [{ bearer: [] }],
          response: { 204: z.null(), ...errorResponses(401) },
        },
      },
      async (request, reply) => {
        const token = bearerToken(request);
        if (token) await auth.logout(token);
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/auth/me",
      {
        onRequest: requireRole(auth, ...STAFF),
        schema: {
          tags: ["auth"],
          summary: "The logged-in account",
          security: [{ bearer: [] }],
          response: {
            200: z.object({
              id: z.string(),
              username: z.string(),
              displayName: z.string(),
              role: z.enum(ROLES),
              groups: z.array(z.string()),
            }),
            ...errorResponses(401),
          },
        },
      },
      async (request) => {
        const p = request.principal!;
        return { id: p.agentId, username: p.username, displayName: p.displayName, role: p.role, groups: p.groups };
      },
    );
  };
