import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { StaffAudit } from "../agents/audit.js";
import { requireRole } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { errorResponses } from "../http/schemas.js";
import { WEBHOOK_EVENTS } from "./webhook.events.js";
import type { WebhookService } from "./webhook.service.js";

const subscription = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  description: z.string(),
  disabledReason: z.string().nullable(),
  format: z
    .string()
    .describe("standard, or sla_legacy: kept in step with SLA_WEBHOOK_URL, sent the legacy SLA payload"),
  secretHint: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const delivery = z.object({
  id: z.string(),
  eventId: z.string(),
  event: z.string(),
  subject: z.string(),
  status: z.string(),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  latencyMs: z.number().nullable(),
  createdAt: z.string(),
  nextAttemptAt: z.string(),
  deliveredAt: z.string().nullable(),
});
const input = z.object({
  url: z.string().trim().min(1).max(2000),
  events: z.array(z.string().max(60)).min(1).max(WEBHOOK_EVENTS.length),
  secret: z.string().min(16).max(200).optional(),
  enabled: z.boolean().optional(),
  description: z.string().max(500).optional(),
});
const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Admin API of outbound webhooks (issue 21): subscriptions, their delivery log, replay and a test
 * delivery. Admin only; every change is in the audit log. Signature: see README (x-kd-signature =
 * sha256 HMAC over `${x-kd-timestamp}.${body}` with the subscription's secret).
 */
export const webhookRoutes =
  (webhooks: WebhookService, auth: AuthService, audit: StaffAudit): FastifyPluginAsyncZod =>
  async (app) => {
    const admins = requireRole(auth, "admin");
    const security = [{ bearer: [] }];
    const tags = ["integrations"];

    app.get(
      "/api/admin/webhooks",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "Webhook subscriptions (the secret shown only as its last 4 characters) and the events on offer",
          response: {
            200: z.object({ items: z.array(subscription), events: z.array(z.string()) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async () => ({ items: await webhooks.list(), events: [...WEBHOOK_EVENTS] }),
    );

    app.post(
      "/api/admin/webhooks",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary:
            "Subscribe a URL to events; the secret (given or generated) is returned this once. 400 WEBHOOK_URL_REFUSED (not http(s), this server or a private address), 400 WEBHOOK_EVENT_UNKNOWN",
          body: input,
          response: { 201: subscription.extend({ secret: z.string() }), ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const created = await webhooks.create(request.body);
        await audit(request.principal!.agentId, {
          action: "webhook.created",
          subjectType: "webhook",
          subjectId: created.id,
          data: { url: created.url, events: created.events },
        });
        return reply.code(201).send(created);
      },
    );

    app.get(
      "/api/admin/webhooks/:id",
      {
        onRequest: admins,
        schema: { tags, security, params: idParams, response: { 200: subscription, ...errorResponses(401, 403, 404) } },
      },
      async (request) => webhooks.get(request.params.id),
    );

    app.put(
      "/api/admin/webhooks/:id",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "Change URL, events, secret, description or enabled (enabling clears a 410 Gone stop)",
          params: idParams,
          body: input.partial(),
          response: { 200: subscription, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const updated = await webhooks.update(request.params.id, request.body);
        await audit(request.principal!.agentId, {
          action: "webhook.updated",
          subjectType: "webhook",
          subjectId: updated.id,
          data: {
            fields: Object.keys(request.body).filter((k) => k !== "secret"),
            secretChanged: "secret" in request.body,
          },
        });
        return updated;
      },
    );

    app.delete(
      "/api/admin/webhooks/:id",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "Delete a subscription and its delivery log",
          params: idParams,
          response: { 204: z.null(), ...errorResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await webhooks.remove(request.params.id);
        await audit(request.principal!.agentId, {
          action: "webhook.deleted",
          subjectType: "webhook",
          subjectId: request.params.id,
        });
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/admin/webhooks/:id/deliveries",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "Delivery log, newest first: status, attempts, last HTTP status or error, latency",
          params: idParams,
          querystring: z.object({
            status: z.enum(["pending", "delivered", "dead"]).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.object({ items: z.array(delivery) }), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => ({
        items: await webhooks.deliveries(request.params.id, {
          status: request.query.status,
          limit: request.query.limit,
        }),
      }),
    );

    app.post(
      "/api/admin/webhooks/:id/deliveries/:deliveryId/replay",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "Send a delivery again (same event id: receivers deduplicate)",
          params: idParams.extend({ deliveryId: z.string().regex(/^\d{1,18}$/) }),
          response: { 200: delivery, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const replayed = await webhooks.replay(request.params.id, request.params.deliveryId);
        await audit(request.principal!.agentId, {
          action: "webhook.replayed",
          subjectType: "webhook",
          subjectId: request.params.id,
          data: { deliveryId: replayed.id, eventId: replayed.eventId },
        });
        return replayed;
      },
    );

    app.post(
      "/api/admin/webhooks/:id/test",
      {
        onRequest: admins,
        schema: {
          tags,
          security,
          summary: "Send a `webhook.test` event now and return its delivery (status, HTTP status, latency)",
          params: idParams,
          response: { 200: delivery, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => webhooks.test(request.params.id),
    );
  };
