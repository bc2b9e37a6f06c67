/**
 * The composition root: builds every adapter from the parsed config and hands them to the
 * services. Embedded mode: PGlite + in-process bus + database-polling scheduler. Scale mode
 * (DATABASE_URL + REDIS_URL): PostgreSQL + Redis pub/sub.
 */

import { fileURLToPath } from "node:url";
import fastifyFormbody from "@fastify/formbody";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import helmet from "helmet";
import type { Logger } from "pino";
import { botFrameworkFromConfig } from "../channels/botframework/botframework.factory.js";
import { smsFromConfig } from "../channels/sms/sms.factory.js";
import { WebchatChannel } from "../channels/webchat/webchat.channel.js";
import { wechatyFromConfig } from "../channels/wechat/wechaty.factory.js";
import { wechatOaFromConfig } from "../channels/wechat-oa/wechat-oa.factory.js";
import { createNlu, type Nlu } from "../intents/index.js";
import { adminRoutes } from "./agents/admin.routes.js";
import { staffAudit } from "./agents/audit.js";
import { requireRole } from "./agents/auth.plugin.js";
import { authRoutes } from "./agents/auth.routes.js";
import { AuthService } from "./agents/auth.service.js";
import { consoleRoutes } from "./agents/console.routes.js";
import { ConsoleService } from "./agents/console.service.js";
import type { ChannelAdapter } from "./channel/channel.js";
import type { Config } from "./config.js";
import { KuaidiBot } from "./conversation/bot.js";
import { ConversationService } from "./conversation/conversation.service.js";
import type { Flow } from "./conversation/flow.js";
import { ComplaintFlow } from "./conversation/flows/complaint.flow.js";
import { HandoffFlow } from "./conversation/flows/handoff.flow.js";
import { KnowledgeFlow } from "./conversation/flows/knowledge.flow.js";
import { ProgressFlow } from "./conversation/flows/progress.flow.js";
import { RequestFlow } from "./conversation/flows/request.flow.js";
import { SmallTalkFlow } from "./conversation/flows/small-talk.flow.js";
import { SuggestionFlow } from "./conversation/flows/suggestion.flow.js";
import { SurveyFlow } from "./conversation/flows/survey.flow.js";
import { TrackFlow } from "./conversation/flows/track.flow.js";
import { IntentRouter } from "./conversation/router.js";
import { toLocale } from "./conversation/texts.js";
import { TurnAdapter } from "./conversation/turn.adapter.js";
import { type Database, openDatabase } from "./db/client.js";
import { migrate } from "./db/migrate.js";
import { feedbackRoutes } from "./feedback/feedback.routes.js";
import { FeedbackService } from "./feedback/feedback.service.js";
import { clientErrors, frameworkErrors, installErrorHandler } from "./http/error-handler.js";
import { createMetrics, healthRoutes, type Metrics } from "./http/health.routes.js";
import { nluRoutes } from "./http/nlu.routes.js";
import { installTextGuard } from "./http/storable-text.js";
import { attachmentRoutes } from "./images/attachment.routes.js";
import { AttachmentService } from "./images/attachment.service.js";
import { type BlobStore, FileBlobStore, PgBlobStore } from "./images/blob.store.js";
import { ImageInbound } from "./images/image.inbound.js";
import { ImageTurn } from "./images/image.turn.js";
import { MediaLinks, mediaLinkRoutes } from "./images/media.links.js";
import { PaddleTextReader, type TextReader } from "./images/ocr.js";
import { apiKeyRoutes } from "./integrations/api-key.routes.js";
import { ApiKeyService } from "./integrations/api-key.service.js";
import { ticketIntakeRoutes } from "./integrations/ticket-intake.routes.js";
import { TicketIntake } from "./integrations/ticket-intake.service.js";
import { WebhookDispatcher } from "./integrations/webhook.dispatcher.js";
import { webhookRoutes } from "./integrations/webhook.routes.js";
import { WebhookService } from "./integrations/webhook.service.js";
import { warmTokeniser } from "./knowledge/kb.tokeniser.js";
import { knowledgeRoutes } from "./knowledge/knowledge.routes.js";
import { KnowledgeService } from "./knowledge/knowledge.service.js";
import { MiniSearchRetriever } from "./knowledge/minisearch.retriever.js";
import { labelRoutes } from "./labels/label.routes.js";
import { createLogger } from "./logger.js";
import { OutboxService } from "./outbox/outbox.service.js";
import { outletRoutes } from "./outlets/outlet.routes.js";
import { OutletService } from "./outlets/outlet.service.js";
import { RetentionService } from "./privacy/retention.service.js";
import type { EventBus } from "./realtime/event-bus.js";
import { InProcessBus } from "./realtime/in-process.bus.js";
import { BUS_GAP, STAFF_CHANGES_TOPIC } from "./realtime/topics.js";
import { EarlyWarningPush } from "./reports/early-warning.push.js";
import { loadReportConfig } from "./reports/report.config.js";
import { scheduleRollup } from "./reports/report.rollup.js";
import { reportRoutes } from "./reports/report.routes.js";
import { ReportService } from "./reports/report.service.js";
import { RequestReport } from "./reports/request.report.js";
import { scheduleTrackedShipments } from "./reports/tracked-shipments.js";
import { EmbeddedScheduler } from "./scheduler/embedded.scheduler.js";
import type { Scheduler } from "./scheduler/scheduler.js";
import { holidayRoutes } from "./sla/holiday.routes.js";
import { HolidayService } from "./sla/holiday.service.js";
import { slaRoutes } from "./sla/sla.routes.js";
import { SlaService } from "./sla/sla.service.js";
import { loadSurveyConfig } from "./surveys/survey.config.js";
import { SurveyService } from "./surveys/survey.service.js";
import { RequestRouting } from "./tickets/request-routing.js";
import { requestRoutingRoutes } from "./tickets/request-routing.routes.js";
import { ticketRoutes } from "./tickets/ticket.routes.js";
import { TicketService } from "./tickets/ticket.service.js";
import { buildTracking, type Tracking } from "./tracking/tracking.factory.js";
import { sharedSecret } from "./util/secrets.js";
import { widgetRoutes } from "./widget/widget.routes.js";
import { WidgetSettingsStore } from "./widget/widget.settings.js";

const WEB_ROOT = fileURLToPath(new URL("./web/", import.meta.url));

export interface App {
  config: Config;
  log: Logger;
  server: FastifyInstance;
  db: Database;
  nlu: Nlu;
  scheduler: Scheduler;
  bus: EventBus;
  outbox: OutboxService;
  conversations: ConversationService;
  auth: AuthService;
  tickets: TicketService;
  sla: SlaService;
  /** China's holiday schedules admins load per year (issue 19), held in memory for the clocks. */
  holidays: HolidayService;
  surveys: SurveyService;
  reports: ReportService;
  /** Issue 23: the early-warning check that pushes new spikes to supervisors. */
  earlyWarning: EarlyWarningPush;
  tracking: Tracking;
  knowledge: KnowledgeService;
  /** Issue 21: outbound webhook subscriptions and the dispatcher that sends their deliveries. */
  webhooks: WebhookService;
  webhookDispatcher: WebhookDispatcher;
  feedback: FeedbackService;
  /** Customers' images (issue 17). */
  attachments: AttachmentService;
  channels: ChannelAdapter[];
  metrics: Metrics;
  /** First admin login, present only on the start that created it. */
  firstAdmin?: { username: string; password: string; generated: boolean };
  /** Listens on HOST:PORT and starts workers; returns the bound address. */
  listen(): Promise<string>;
  /** Graceful: stop taking requests, finish in-flight turns, flush the outbox, close. */
  close(): Promise<void>;
}

export interface BuildOptions {
  logger?: Logger;
  /** Extra channel adapters (tests). */
  channels?: ChannelAdapter[];
  /**
   * The clock of tickets, SLA clocks, surveys and the holiday-calendar watch (tests pin it). The
   * scheduler keeps the real clock (HolidayService.arm): to it, what is armed on a clock pinned in
   * the past is due at once, so such a test fires triggers itself (`scheduler.sweep()` with the
   * scheduler stopped, or a service's `fire`).
   */
  now?: () => Date;
  /**
   * The image text reader when OCR=paddle (default: a PaddleTextReader of this app's own). Tests
   * give every app of a process one reader, so the model loads once, not once per app.
   */
  ocr?: TextReader;
}

/** Advisory lock held while first-start data is seeded (see MIGRATION_LOCK_ID in migrate.ts). */
const SEED_LOCK_ID = 72_410_002;

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<App> {
  const log = opts.logger ?? createLogger(config);
  const opening = openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.pgliteDir,
    parallelWorkersPerGather: config.PG_PARALLEL_WORKERS_PER_GATHER,
  });
  // CPU-bound model loading runs while the database opens (PGlite compiles its WASM off the main
  // thread), not after it: about a second less to healthy on two cores (issue 20).
  const nlu = createNlu();
  warmTokeniser();
  const db = await opening;
  try {
    const migrated = await migrate(db);
    if (migrated.applied.length) log.info({ applied: migrated.applied }, "database migrated");
  } catch (err) {
    await db.close();
    throw err;
  }
  const prisma = db.prisma;

  // Redis, BullMQ and Wechaty are loaded only when configured: the embedded default starts
  // without compiling them (issue 20, start-up time).
  const scaleScheduler = Boolean(config.REDIS_URL && config.DATABASE_URL);
  const bullmq = config.REDIS_URL ? await import("./scheduler/bullmq.scheduler.js") : undefined;
  const bus: EventBus =
    config.REDIS_URL && bullmq
      ? new (await import("./realtime/redis.bus.js")).RedisBus(
          config.REDIS_URL,
          log.child({ component: "bus" }),
          bullmq.queueNameFor(config.DATABASE_URL ?? "embedded"),
        )
      : new InProcessBus();
  // Scale mode: BullMQ delayed jobs on Redis; embedded: polling the Timer table.
  const scheduler: Scheduler =
    scaleScheduler && bullmq && config.REDIS_URL && config.DATABASE_URL
      ? new bullmq.BullmqScheduler(
          prisma,
          { url: config.REDIS_URL, queueName: bullmq.queueNameFor(config.DATABASE_URL) },
          log.child({ component: "scheduler" }),
        )
      : new EmbeddedScheduler(prisma, log.child({ component: "scheduler" }), {
          pollMs: config.SCHEDULER_POLL_MS,
          sql: db,
        });
  const outbox = new OutboxService(prisma, scheduler, bus, log.child({ component: "outbox" }), {
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    retryBaseMs: config.OUTBOX_RETRY_BASE_MS,
  });
  const retention = new RetentionService(
    prisma,
    scheduler,
    log.child({ component: "retention" }),
    config.RETENTION_DAYS,
    async (customerId) => {
      await attachments.deleteForCustomer(customerId);
    },
  );

  const holidays = new HolidayService(prisma, bus, scheduler, log.child({ component: "calendar" }), opts.now);
  await holidays.start();
  const sla = new SlaService(prisma, scheduler, bus, log.child({ component: "sla" }), {
    holidays: () => holidays.table(),
    warnRatio: config.SLA_WARN_RATIO,
    sql: db,
    webhookUrl: config.SLA_WEBHOOK_URL,
    webhookSecret: config.SLA_WEBHOOK_SECRET,
    ...(opts.now ? { now: opts.now } : {}),
  });
  // Issue 19: loading or changing a year's holidays moves the live business-calendar clocks.
  holidays.onChanged((previous, year) => sla.recalculate(previous, year));
  // Issue 15: the group each request type is opened in (admin-editable data).
  const requestRouting = new RequestRouting(prisma);
  // Agent replies go out through the conversation runtime, built below (it needs the flows).
  const tickets: TicketService = new TicketService(
    prisma,
    sla,
    { sendToConversation: (id, message) => conversations.sendToConversation(id, message) },
    bus,
    log.child({ component: "tickets" }),
    {
      thresholds: {
        highAmount: config.TICKET_HIGH_AMOUNT,
        legalAmount: config.TICKET_LEGAL_AMOUNT,
        repeatDays: config.TICKET_REOPEN_DAYS,
      },
      // Issue 8: a resolution schedules the satisfaction survey (built below).
      onResolved: (ticketId: string): Promise<void> => surveys.onResolved(ticketId),
      sql: db,
      routing: requestRouting,
      claimMaxAmount: config.CLAIM_MAX_AMOUNT,
      ...(opts.now ? { now: opts.now } : {}),
    },
  );
  const surveys = new SurveyService({
    db: prisma,
    scheduler,
    conversations: {
      sendToConversation: (id, message) => conversations.sendToConversation(id, message),
      setFlow: (id, flow, onlyIfName) => conversations.setFlow(id, flow, onlyIfName),
      startFlowUnlessBusy: (id, flow, quietBefore) => conversations.startFlowUnlessBusy(id, flow, quietBefore),
      handBackToBot: (id) => conversations.handBackToBot(id),
    },
    tickets,
    bus,
    log: log.child({ component: "surveys" }),
    config: loadSurveyConfig(config.SURVEY_CONFIG_FILE),
    delaySeconds: config.SURVEY_DELAY_SECONDS,
    // The survey's send, reminder and close times are written on the tickets' clock.
    ...(opts.now ? { now: opts.now } : {}),
  });
  const customerPhone = async (customerId: string) =>
    (await prisma.customer.findUnique({ where: { id: customerId }, select: { phone: true } }))?.phone ?? null;

  const tracking = buildTracking(config, prisma, db, log.child({ component: "tracking" }), opts.now);
  // Issue 14: 咨询 answered from the knowledge base, 建议 kept as records.
  const knowledge = new KnowledgeService({
    db: prisma,
    retriever: new MiniSearchRetriever(),
    bus,
    log: log.child({ component: "knowledge" }),
    ...(config.KB_ANSWER_THRESHOLD !== undefined ? { threshold: config.KB_ANSWER_THRESHOLD } : {}),
  });
  const feedback = new FeedbackService(prisma);
  const flows: Flow[] = [
    new SmallTalkFlow(),
    // Queue position comes from the console service, built once the runtime exists.
    new HandoffFlow(() => consoleService.queueStatus(), {
      "zh-CN": config.OFFICE_HOURS,
      en: config.OFFICE_HOURS_EN,
    }),
    // One clock for every flow: "the parcel just shown" and "the complaint just offered" are
    // times one flow writes and another reads.
    new TrackFlow(tracking.service, opts.now),
    new ComplaintFlow({ tickets, customerPhone, ...(opts.now ? { now: opts.now } : {}) }),
    new RequestFlow({
      tickets,
      tracking: tracking.service,
      customerPhone,
      claimMaxAmount: config.CLAIM_MAX_AMOUNT,
      holidays: () => holidays.table(),
      articles: () => knowledge.current(),
      ...(opts.now ? { now: opts.now } : {}),
    }),
    new ProgressFlow({ tickets, customerPhone, ...(opts.now ? { now: opts.now } : {}) }),
    new SurveyFlow(surveys),
    new KnowledgeFlow({ kb: knowledge, feedback }),
    new SuggestionFlow({ feedback }),
  ];
  const hasOpenTicket = async (customerId: string) =>
    (await prisma.ticket.count({ where: { customerId, status: { in: ["new", "open", "pending_customer"] } } })) > 0;
  // Issue 17: images' bytes where every instance reads them: PostgreSQL (bytea, capped) when the
  // database is shared, files under DATA_DIR with PGlite (single-process anyway).
  const blobs: BlobStore = db.kind === "postgres" ? new PgBlobStore(db) : new FileBlobStore(config.attachmentsDir);
  const attachments = new AttachmentService({
    db: prisma,
    blobs,
    ocr: config.OCR === "paddle" ? (opts.ocr ?? new PaddleTextReader()) : undefined,
    log: log.child({ component: "attachments" }),
    maxPerConversation: config.ATTACHMENTS_PER_CONVERSATION,
  });
  const imageTurn = new ImageTurn(prisma, opts.now);
  const bot = new KuaidiBot(new IntentRouter(nlu, flows, hasOpenTicket, opts.now), imageTurn);
  const conversations = new ConversationService({
    db: prisma,
    sql: db,
    bot,
    evidence: imageTurn,
    adapter: new TurnAdapter(),
    outbox,
    bus,
    log: log.child({ component: "conversation" }),
    defaultLocale: toLocale(config.DEFAULT_LOCALE),
    onCustomerReply: (conversationId: string): Promise<void> => tickets.customerReplied(conversationId),
    ...(config.FAULT_INJECT === "crash_after_inbound_store"
      ? { afterInboundStored: () => process.kill(process.pid, "SIGKILL") }
      : {}),
  });
  const consoleService = new ConsoleService(
    prisma,
    conversations,
    bus,
    log.child({ component: "console" }),
    (agentId) => tickets.assignWaiting(agentId),
    (conversationId, agentId, messageId) => tickets.agentReplied(conversationId, agentId, messageId),
  );
  const auth = new AuthService(prisma, log.child({ component: "auth" }), {
    tokenTtlHours: config.TOKEN_TTL_HOURS,
    maxFailures: config.LOGIN_MAX_FAILURES,
    lockoutMinutes: config.LOGIN_LOCKOUT_MINUTES,
    ...(opts.now ? { now: opts.now } : {}),
  });
  // A changed staff account reaches every instance: cached principals forgotten, live
  // connections of the old account closed (console.routes.ts).
  auth.onAgentChanged((agentId) => {
    void bus.publish(STAFF_CHANGES_TOPIC, { type: "agent.changed", agentId }).catch(() => {});
  });
  bus.subscribe(STAFF_CHANGES_TOPIC, (e) => {
    // After a Redis reconnect any agent.changed may have been lost: forget them all.
    if (e.type === BUS_GAP) auth.forgetAll();
    else if (typeof e.agentId === "string") auth.forgetAgent(e.agentId);
  });
  const metrics = createMetrics();

  const server = Fastify({
    loggerInstance: log.child({ component: "http" }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For only from a configured proxy (issue 20: rotating it dodged the per-IP limits).
    trustProxy: config.TRUST_PROXY ?? false,
    logController: new LogController({
      disableRequestLogging: config.LOG_LEVEL !== "debug" && config.LOG_LEVEL !== "trace",
    }),
    // Give the turn in flight time to finish on shutdown, then drop idle keep-alives.
    forceCloseConnections: "idle",
    // A bad percent-encoding or an over-long path parameter answers with a coded error body.
    frameworkErrors,
    // …and so does a request Node's HTTP parser refuses (bad Content-Length, chunking, headers).
    clientErrorHandler: clientErrors,
    // Every route validates and serialises with zod: given here, Fastify never loads its default
    // Ajv and fast-json-stringify compilers (~0.2 s of start-up, issue 20).
    // (Fastify types these factories for Ajv schemas; ours take zod schemas.)
    schemaController: {
      compilersFactory: { buildValidator: () => validatorCompiler, buildSerializer: () => serializerCompiler },
    } as unknown as FastifyServerOptions["schemaController"],
  }).withTypeProvider<ZodTypeProvider>();
  installErrorHandler(server);
  installTextGuard(server);

  // Security headers, the middleware built once: @fastify/helmet rebuilt it (re-parsing the CSP)
  // on every request, ~1% of a turn's CPU in profiles.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // blob: the console shows customers' images fetched with the staff token (issue 17).
        imgSrc: ["'self'", "data:", "blob:"],
        connectSrc: ["'self'", "ws:", "wss:"],
      },
    },
  });
  server.addHook("onRequest", (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err) => done(err instanceof Error ? err : undefined)),
  );
  await server.register(fastifyRateLimit, { global: false });
  await server.register(fastifyFormbody);
  await server.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await server.register(fastifySwagger, {
    openapi: {
      info: {
        title: "快递客服 API (kuaidi-desk)",
        version: "0.1.0",
        description: "Web chat, agent, ticket, tracking and report API.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
    transform: jsonSchemaTransform,
  });
  await server.register(fastifySwaggerUi, { routePrefix: "/docs" });
  await server.register(fastifyStatic, { root: WEB_ROOT, prefix: "/static/", index: false });
  server.get("/", { schema: { hide: true } }, (_req, reply) => reply.sendFile("chat/index.html"));
  server.get("/console", { schema: { hide: true } }, (_req, reply) => reply.sendFile("console/index.html"));
  server.get("/dashboard", { schema: { hide: true } }, (_req, reply) => reply.sendFile("dashboard/index.html"));
  server.get("/admin", { schema: { hide: true } }, (_req, reply) => reply.sendFile("admin/index.html"));

  const webchat = new WebchatChannel(prisma, await sharedSecret(prisma, "webchat.secret"), {
    sessionsPerMinute: config.RATE_LIMIT_SESSIONS_PER_MINUTE,
    messagesPerMinute: config.RATE_LIMIT_MESSAGES_PER_MINUTE,
    uploadsPerMinute: config.RATE_LIMIT_UPLOADS_PER_MINUTE,
    attachments,
  });
  // Each further channel only when its env vars are set (issue 9).
  const configuredChannels = [
    wechatOaFromConfig(config, prisma, log),
    await wechatyFromConfig(config, prisma, outbox, requireRole(auth, "admin")),
    smsFromConfig(config, prisma),
    botFrameworkFromConfig(config, prisma),
  ].filter((c): c is NonNullable<typeof c> => c !== undefined);
  const channels: ChannelAdapter[] = [webchat, ...configuredChannels, ...(opts.channels ?? [])];
  for (const channel of channels) outbox.register(channel);
  outbox.onDeadLetter((dead) => surveys.onUndelivered(dead));

  await server.register(
    healthRoutes({
      db,
      metrics,
      channels: () => channels,
      mode: config.mode,
      extra: () => ({ scheduler: scheduler.health(), bus: bus.health() }),
      calendar: () => holidays.coverage(),
    }),
  );
  await server.register(authRoutes(auth, config.RATE_LIMIT_LOGINS_PER_MINUTE));
  await server.register(nluRoutes(nlu, auth));
  const sendsImages = (name: string) => Boolean(channels.find((c) => c.name === name)?.sendsImages?.());
  await server.register(consoleRoutes(auth, consoleService, bus, sendsImages));
  await server.register(adminRoutes(prisma, auth, outbox));
  await server.register(ticketRoutes(tickets, auth));
  await server.register(labelRoutes(prisma, auth));
  await server.register(attachmentRoutes(prisma, auth, attachments, consoleService, sendsImages));
  await server.register(requestRoutingRoutes(requestRouting, auth));
  const audit = staffAudit(prisma);
  // Issue 21: events become deliveries in the transaction of the change (triggers, migration
  // 0030); worker instances send them.
  const webhookDispatcher = new WebhookDispatcher(prisma, db, log.child({ component: "webhooks" }), {
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    pollMs: config.WEBHOOK_POLL_MS,
    trustedUrls: config.SLA_WEBHOOK_URL ? [config.SLA_WEBHOOK_URL] : [],
    ...(opts.now ? { now: opts.now } : {}),
  });
  const webhooks = new WebhookService(prisma, webhookDispatcher, {
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    ...(opts.now ? { now: opts.now } : {}),
  });
  await server.register(webhookRoutes(webhooks, auth, audit));
  await server.register(
    ticketIntakeRoutes(
      new TicketIntake(prisma, tickets, nlu, log.child({ component: "intake" }), opts.now ?? (() => new Date())),
      auth,
    ),
  );
  await server.register(apiKeyRoutes(new ApiKeyService(prisma), auth, opts.now ?? (() => new Date())));
  await server.register(widgetRoutes(new WidgetSettingsStore(prisma), auth, audit, WEB_ROOT));
  await server.register(slaRoutes(sla, auth, audit));
  await server.register(holidayRoutes(holidays, auth));
  // Issue 23: outlets (网点), maintained by admins.
  await server.register(outletRoutes(new OutletService(prisma), auth));
  const reports = new ReportService(prisma, loadReportConfig(config.REPORT_CONFIG_FILE), opts.now);
  // Issue 8: per-day rollups of the dashboard summary, refreshed every 5 minutes (report.rollup.ts).
  await scheduleRollup(prisma, scheduler, log.child({ component: "reports" }));
  await scheduleTrackedShipments(prisma, scheduler, log.child({ component: "reports" }));
  // Issue 23: 投诉预警 by category, city and stage pushed live to supervisors.
  const earlyWarning = new EarlyWarningPush(
    prisma,
    reports,
    bus,
    log.child({ component: "early-warning" }),
    opts.now ?? (() => new Date()),
  );
  await earlyWarning.schedule(scheduler);
  await server.register(reportRoutes(reports, auth, new RequestReport(prisma), feedback));
  await server.register(knowledgeRoutes(knowledge, auth, audit));
  await server.register(
    feedbackRoutes(feedback, auth, audit, {
      notify: async (conversationId, text) => {
        await conversations.sendToConversation(conversationId, { text, author: "system" });
      },
    }),
  );
  await server.register(tracking.routes(auth));
  // Several instances starting on a fresh database at once (INSTANCES, docker-compose): one
  // seeds and creates the first admin, the others find it done.
  const admin = await db.withLock(SEED_LOCK_ID, async () => {
    await tickets.seedGroups();
    await sla.seed();
    await tracking.seedDemoIfFirstStart();
    await knowledge.seedDefaults();
    // Issue 21: SLA_WEBHOOK_URL is a webhook subscription (sla.*, the legacy payload).
    await webhooks.syncLegacySla(config.SLA_WEBHOOK_URL, config.SLA_WEBHOOK_SECRET);
    return auth.bootstrapAdmin(config.ADMIN_PASSWORD);
  });
  await knowledge.start();
  const mediaLinks = new MediaLinks(await sharedSecret(prisma, "media.secret"), config.publicUrl, opts.now);
  const images = new ImageInbound(prisma, conversations, attachments, mediaLinks);
  await server.register(mediaLinkRoutes(mediaLinks, images));
  for (const channel of channels)
    await channel.start({ server, conversations, bus, images, log: log.child({ component: channel.name }) });

  const firstAdmin =
    admin.created && admin.password
      ? { username: admin.username, password: admin.password, generated: admin.generated }
      : undefined;

  let workersStarted = false;
  let fallbackSweep: NodeJS.Timeout | undefined;
  let replaySweep: NodeJS.Timeout | undefined;
  const app: App = {
    config,
    log,
    server,
    db,
    nlu,
    scheduler,
    bus,
    outbox,
    conversations,
    auth,
    tickets,
    sla,
    holidays,
    surveys,
    reports,
    earlyWarning,
    tracking,
    knowledge,
    feedback,
    attachments,
    webhooks,
    webhookDispatcher,
    channels,
    metrics,
    ...(firstAdmin ? { firstAdmin } : {}),
    async listen() {
      const address = await server.listen({ port: config.PORT, host: config.HOST });
      if (config.ROLE !== "web") {
        await scheduler.start();
        workersStarted = true;
        // After a crash: answer what was received but not answered, send what was not sent.
        await conversations.replayPending(config.mode === "scale" ? 60_000 : 0);
        await outbox.reconcile();
        outbox.startSweeper();
        webhookDispatcher.start();
        await retention.arm();
        // The holiday data's coverage, logged once a day (and now, when it runs out soon).
        await holidays.arm();
        if (holidays.coverage().status !== "ok") holidays.dailyCheck();
        // Every running SLA clock is re-armed; those that fell due while down fire at once.
        await sla.reconcile();
        // Surveys due to send, remind or close while down are re-armed from their rows.
        await surveys.reconcile();
        if (config.mode === "scale") {
          // The database poll fallback: if Redis (BullMQ) loses or cannot deliver triggers, overdue
          // timers of every kind (SLA, surveys, outbound retries, retention, rollups) still fire,
          // and messages left unanswered by a dead instance are answered.
          fallbackSweep = setInterval(() => {
            void scheduler.sweep().catch((err) => log.warn({ err }, "scheduler fallback sweep failed"));
            void conversations.replayPending(60_000).catch((err) => log.warn({ err }, "replay sweep failed"));
          }, config.SCHEDULER_SWEEP_MS);
          fallbackSweep.unref();
        } else {
          // Embedded: a turn the database failed mid-way stays `received` (issue 20); answer it
          // once the database is back, as scale mode's sweep above does.
          replaySweep = setInterval(() => {
            void conversations.replayPending(60_000).catch((err) => log.warn({ err }, "replay sweep failed"));
          }, config.SCHEDULER_SWEEP_MS);
          replaySweep.unref();
        }
      }
      return address;
    },
    async close() {
      if (fallbackSweep) clearInterval(fallbackSweep);
      if (replaySweep) clearInterval(replaySweep);
      holidays.stop();
      await server.close();
      await conversations.drain();
      await outbox.flush();
      await webhookDispatcher.stop();
      // BullMQ holds a Redis connection for arming even on a web-only instance.
      if (workersStarted || scaleScheduler) await scheduler.stop();
      for (const channel of channels) await channel.stop().catch(() => {});
      knowledge.stop();
      await attachments.close();
      await bus.close();
      await db.close();
    },
  };
  return app;
}
