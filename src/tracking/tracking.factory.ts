import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { AuthService } from "../agents/auth.service.js";
import type { Config } from "../config.js";
import type { Database, Db } from "../db/client.js";
import type { CareLimits } from "./care.rules.js";
import { seedDemoShipments } from "./demo-data.js";
import { TrackingIngestService } from "./ingest.service.js";
import { Kuaidi100Provider } from "./kuaidi100.provider.js";
import { StoreTrackingProvider } from "./store.provider.js";
import { trackingRoutes } from "./tracking.routes.js";
import { TrackingService } from "./tracking.service.js";

export interface Tracking {
  service: TrackingService;
  ingest: TrackingIngestService;
  limits: CareLimits;
  routes(auth: AuthService): FastifyPluginAsyncZod;
  /** Seeds the demo shipments on the first embedded start unless DEMO_DATA=false. */
  seedDemoIfFirstStart(): Promise<void>;
}

/**
 * Builds the tracking capability from config: store provider always, aggregator when configured.
 * `now`: the composition root's clock, for the webhook's "in the future" check, the agents'
 * care assessment and the demo seed's event times (tests pin it).
 */
export function buildTracking(
  config: Config,
  db: Db,
  sql: Pick<Database, "query" | "kind">,
  log: Logger,
  now: () => Date = () => new Date(),
): Tracking {
  const limits: CareLimits = {
    sameCityHours: config.TRACKING_SAME_CITY_HOURS,
    interCityHours: config.TRACKING_INTERCITY_HOURS,
    stuckHours: config.TRACKING_STUCK_HOURS,
  };
  const ingest = new TrackingIngestService(db, log.child({ part: "ingest" }), now);
  const live =
    config.TRACKING_AGGREGATOR_URL && config.TRACKING_AGGREGATOR_CUSTOMER && config.TRACKING_AGGREGATOR_KEY
      ? new Kuaidi100Provider(
          {
            url: config.TRACKING_AGGREGATOR_URL,
            customer: config.TRACKING_AGGREGATOR_CUSTOMER,
            key: config.TRACKING_AGGREGATOR_KEY,
            timeoutMs: config.TRACKING_AGGREGATOR_TIMEOUT_MS,
            retries: config.TRACKING_AGGREGATOR_RETRIES,
            cacheSeconds: config.TRACKING_CACHE_SECONDS,
          },
          log.child({ part: "kuaidi100" }),
        )
      : undefined;
  const service = new TrackingService({ db, store: new StoreTrackingProvider(sql), live, ingest, log, limits });
  return {
    service,
    ingest,
    limits,
    routes: (auth) =>
      trackingRoutes({ ingest, tracking: service, auth, limits, webhookSecret: config.TRACKING_WEBHOOK_SECRET, now }),
    async seedDemoIfFirstStart() {
      if (!(config.DEMO_DATA ?? config.mode === "embedded")) return;
      const result = await seedDemoShipments(db, ingest);
      if (result.seeded) log.info({ shipments: result.shipments, events: result.events }, "demo shipments seeded");
    },
  };
}
