import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CATEGORY_CODES, INTENTS, type Nlu } from "../../intents/index.js";
import { requireRole, STAFF } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { errorResponses } from "./schemas.js";

const scored = z.object({ name: z.enum(INTENTS), confidence: z.number() });

/** `POST /api/nlu/parse`: the intent engine for integrators (same JSON as `npm run nlu -- parse`). */
export const nluRoutes =
  (nlu: Nlu, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/api/nlu/parse",
      {
        onRequest: requireRole(auth, ...STAFF),
        schema: {
          tags: ["nlu"],
          summary: "Intent, complaint category and entities of a text",
          security: [{ bearer: [] }],
          body: z.object({ text: z.string().max(10_000, "text must be at most 10,000 characters") }),
          response: {
            200: z.object({
              intent: scored,
              ranking: z.array(scored),
              category: z.object({ code: z.enum(CATEGORY_CODES), confidence: z.number() }).optional(),
              entities: z.array(
                z.object({
                  type: z.enum(["waybill", "phone", "ticket_number", "amount"]),
                  value: z.string(),
                  start: z.number(),
                  end: z.number(),
                  carrier: z.string().optional(),
                  carriers: z.array(z.string()).optional(),
                }),
              ),
            }),
            ...errorResponses(400, 401),
          },
        },
      },
      async (request) => nlu.parse(request.body.text),
    );
  };
