import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { z } from "zod";
import type { ChannelAdapter } from "../channel/channel.js";
import type { Database } from "../db/client.js";
import type { CalendarCoverage } from "../sla/holidays.js";

export interface Metrics {
  registry: Registry;
  turns: Counter<"channel" | "outcome">;
  httpDuration: Histogram<"method" | "route" | "status">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    turns: new Counter({
      name: "kd_turns_total",
      help: "Bot turns processed",
      labelNames: ["channel", "outcome"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "kd_http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export interface HealthDeps {
  db: Database;
  metrics: Metrics;
  channels: () => ChannelAdapter[];
  /** Workers (scheduler, bus): a "degraded" one makes the whole answer "degraded" (still 200: it serves). */
  extra: () => Record<string, { state: string; detail?: string }>;
  /**
   * How far the holiday data reaches (issue 19). A warning (the data ends within 60 days) is a
   * detail and leaves the status alone; "expired" (this year has no data, business-calendar
   * clocks count Monday–Friday) makes it "degraded". Both stay 200: the instance serves.
   */
  calendar?: () => CalendarCoverage;
  mode: string;
}

export const healthRoutes =
  (deps: HealthDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook("onResponse", async (request, reply) => {
      const route = request.routeOptions.url ?? "unmatched";
      deps.metrics.httpDuration.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    app.get(
      "/healthz",
      {
        schema: {
          tags: ["ops"],
          summary: "The process is up",
          response: { 200: z.object({ status: z.literal("ok") }) },
        },
      },
      async () => ({ status: "ok" as const }),
    );

    const component = z.object({ state: z.string(), detail: z.string().optional() });
    const calendar = z
      .object({
        status: z.enum(["ok", "warning", "expired"]),
        coveredUntil: z.string().nullable(),
        daysLeft: z.number().nullable(),
        message: z.string(),
      })
      .optional();
    app.get(
      "/readyz",
      {
        schema: {
          tags: ["ops"],
          summary:
            "Ready to serve: database reachable; state of every channel and worker; how far the holiday calendar reaches",
          response: {
            200: z.object({
              status: z.enum(["ready", "degraded", "unavailable"]),
              mode: z.string(),
              database: component,
              channels: z.record(z.string(), component),
              components: z.record(z.string(), component),
              calendar,
            }),
            503: z.object({
              status: z.enum(["ready", "degraded", "unavailable"]),
              mode: z.string(),
              database: component,
              channels: z.record(z.string(), component),
              components: z.record(z.string(), component),
              calendar,
            }),
          },
        },
      },
      async (_request, reply) => {
        let database: { state: string; detail?: string };
        try {
          await deps.db.query("SELECT 1");
          database = { state: "ready", detail: deps.db.kind };
        } catch (err) {
          database = { state: "unavailable", detail: String((err as Error).message).slice(0, 200) };
        }
        const channels = Object.fromEntries(deps.channels().map((c) => [c.name, c.status()]));
        const ok = database.state === "ready";
        const components = deps.extra();
        // Redis down: chats and tickets still work (the database sweep fires timers), so the
        // instance stays in the load balancer (200) but says which part is degraded.
        const cal = deps.calendar?.();
        const degraded = Object.values(components).some((c) => c.state !== "ready") || cal?.status === "expired";
        return reply.code(ok ? 200 : 503).send({
          status: !ok ? "unavailable" : degraded ? "degraded" : "ready",
          mode: deps.mode,
          database,
          channels,
          components,
          ...(cal ? { calendar: cal } : {}),
        });
      },
    );

    app.get(
      "/metrics",
      { schema: { tags: ["ops"], summary: "Prometheus metrics", hide: false } },
      async (_request, reply) => {
        reply.header("content-type", deps.metrics.registry.contentType);
        return deps.metrics.registry.metrics();
      },
    );
  };
