import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { normaliseWaybill } from "../../intents/index.js";
import { API_KEY_PREFIX } from "../agents/api-scopes.js";
import { bearerToken, requireAccess, requireRole, STAFF } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import { assess, type CareLimits } from "./care.rules.js";
import { MAX_BATCH, type TrackingIngestService } from "./ingest.service.js";
import type { TrackingService } from "./tracking.service.js";
import { isShipmentStatus } from "./tracking.types.js";

/** 1,000 events with long descriptions stay well under this; the global limit (1 MB) would not. */
const WEBHOOK_BODY_LIMIT = 8 * 1024 * 1024;

/** `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time. */
export function verifySignature(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(value?.trim() ?? "");
  if (!m?.[1]) return false;
  const expected = createHmac("sha256", secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], "hex"));
}

export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const itemResult = z.object({
  index: z.number().int(),
  result: z.enum(["stored", "duplicate", "rejected"]),
  waybill: z.string().optional(),
  carrier: z.string().optional(),
  code: z.string().optional(),
  reason: z.string().optional(),
});

const eventOut = z.object({
  time: z.iso.datetime(),
  status: z.string(),
  rawStatus: z.string(),
  location: z.string().nullable(),
  description: z.string(),
});

export interface TrackingRoutesDeps {
  ingest: TrackingIngestService;
  tracking: TrackingService;
  auth: AuthService;
  limits: CareLimits;
  /** TRACKING_WEBHOOK_SECRET; without it the webhook answers 503. */
  webhookSecret?: string | undefined;
  /** The clock of the agents' care assessment (the composition root's; tests pin it). */
  now?: () => Date;
}

/**
 * The carrier webhook (HMAC over the raw body) and the agent console's shipment view.
 * The raw-body JSON parser is registered inside this plugin only: other routes keep
 * Fastify's own parser.
 */
export const trackingRoutes =
  (deps: TrackingRoutesDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const secret = deps.webhookSecret;
    // Only an API key reaches this hook (staff tokens are not accepted here): roles match none.
    const keyed = requireAccess(deps.auth, { roles: [], scope: "tracking:write" });
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser(
      "application/json",
      { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT },
      (request, body, done) => {
        const raw = body as Buffer;
        // Issue 21: a company system with a tracking:write API key (checked in onRequest) signs nothing.
        if (request.principal?.apiKey) {
          try {
            return done(null, JSON.parse(raw.toString("utf8")));
          } catch {
            return done(new AppError("INVALID_JSON"), undefined);
          }
        }
        if (!secret) return done(new AppError("WEBHOOK_NOT_CONFIGURED"), undefined);
        if (!verifySignature(raw, request.headers["x-signature"], secret)) {
          return done(new AppError("INVALID_SIGNATURE"), undefined);
        }
        try {
          done(null, JSON.parse(raw.toString("utf8")));
        } catch {
          done(new AppError("INVALID_JSON"), undefined);
        }
      },
    );

    app.post(
      "/api/tracking/events",
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        onRequest: async (request, reply) => {
          // Issue 21: an API key with scope tracking:write instead of the signature (403 without it).
          if (bearerToken(request)?.startsWith(API_KEY_PREFIX)) return keyed.call(app, request, reply);
          if (!secret)
            throw new AppError(
              "WEBHOOK_NOT_CONFIGURED",
              "The tracking webhook is disabled: set TRACKING_WEBHOOK_SECRET to enable it",
            );
          if (!request.headers["x-signature"])
            throw new AppError("INVALID_SIGNATURE", "X-Signature header is required");
        },
        schema: {
          tags: ["tracking"],
          summary: "Push tracking events (carrier or company system); HMAC-signed, idempotent, up to 1,000 per call",
          description:
            "Header `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with TRACKING_WEBHOOK_SECRET, " +
            "or `Authorization: Bearer kd_…`, an API key with scope tracking:write (issue 21). " +
            "Each item is stored, reported as a duplicate, or rejected with a code and reason; valid items are stored even when others are rejected.",
          body: z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) }),
          response: {
            200: z.object({
              stored: z.number().int(),
              duplicate: z.number().int(),
              rejected: z.number().int(),
              items: z.array(itemResult),
            }),
            ...errorResponses(400, 401, 403, 413, 415, 503),
          },
        },
      },
      async (request) => deps.ingest.ingest(request.body.events),
    );

    app.get(
      "/api/tracking/:waybill",
      {
        onRequest: requireRole(deps.auth, ...STAFF),
        schema: {
          tags: ["tracking"],
          summary: "A shipment and all its tracking events (agent console)",
          security: [{ bearer: [] }],
          params: z.object({ waybill: z.string().min(1).max(64) }),
          querystring: z.object({ carrier: z.string().min(1).max(32).optional() }),
          response: {
            200: z.object({
              shipment: z.object({
                id: z.string(),
                waybill: z.string(),
                carrier: z.string(),
                status: z.string(),
                origin: z.string().nullable(),
                destination: z.string().nullable(),
                senderPhone: z.string().nullable(),
                receiverPhone: z.string().nullable(),
                pickedUpAt: z.iso.datetime().nullable(),
                lastEventAt: z.iso.datetime().nullable(),
                deliveredAt: z.iso.datetime().nullable(),
                createdAt: z.iso.datetime(),
              }),
              events: z.array(eventOut),
              care: z.object({
                eta: z.string().nullable(),
                problems: z.array(z.object({ kind: z.string(), category: z.string() })),
              }),
              otherCarriers: z.array(z.string()),
            }),
            ...errorResponses(401, 403, 404),
          },
        },
      },
      async (request) => {
        const waybill = normaliseWaybill(request.params.waybill);
        const carrier = request.query.carrier?.toUpperCase();
        const found = waybill ? await deps.tracking.detail(waybill, carrier) : null;
        if (!found) throw new AppError("SHIPMENT_NOT_FOUND", `No tracking data for waybill ${waybill || "(empty)"}`);
        const { events, ...s } = found.shipment;
        const iso = (d: Date | null) => (d ? d.toISOString() : null);
        const care = assess(
          {
            ...s,
            status: isShipmentStatus(s.status) ? s.status : "in_transit",
            events: events.map((e) => ({ ...e, status: isShipmentStatus(e.status) ? e.status : "in_transit" })),
            source: "store",
          },
          deps.now?.() ?? new Date(),
          deps.limits,
        );
        return {
          shipment: {
            ...s,
            pickedUpAt: iso(s.pickedUpAt),
            lastEventAt: iso(s.lastEventAt),
            deliveredAt: iso(s.deliveredAt),
            createdAt: s.createdAt.toISOString(),
          },
          events: events.map((e) => ({ ...e, time: e.time.toISOString() })),
          care: {
            eta: care.eta instanceof Date ? care.eta.toISOString() : care.eta,
            problems: care.problems.map((p) => ({ kind: p.kind, category: p.category })),
          },
          otherCarriers: found.otherCarriers,
        };
      },
    );
  };
