import path from "node:path";
import { z } from "zod";

/** Empty strings in env mean "not set" (a blank line in .env must not become a value). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Base URL printed and used in links (defaults to http://localhost:PORT). */
  PUBLIC_URL: optional(z.url()),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")),
  /**
   * PostgreSQL's max_parallel_workers_per_gather for this app's connections. 0 by default: the
   * dashboard summary already runs its ~14 queries at once, and parallel workers on top of that
   * oversubscribed a 2-core database host (1M-ticket report bench: 90 days 472–592 ms → 296–321).
   * Raise it on a database host with many idle cores.
   */
  PG_PARALLEL_WORKERS_PER_GATHER: z.coerce.number().int().min(0).max(64).default(0),
  /** all = web + workers; web = HTTP only; worker = schedulers and outbox only (scale mode). */
  ROLE: z.enum(["all", "web", "worker"]).default("all"),
  /**
   * Scale mode: instances started by this command, sharing PORT (node:cluster); "auto" = one
   * per CPU core. Each is a full instance, as if started on its own.
   */
  INSTANCES: z.union([z.literal("auto"), z.coerce.number().int().min(1).max(64)]).default(1),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: optional(bool),
  ADMIN_PASSWORD: optional(z.string().min(8, "must be at least 8 characters")),
  DEFAULT_LOCALE: z.enum(["zh-CN", "en"]).default("zh-CN"),
  TOKEN_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().positive().default(15),
  /** Public endpoints: new chat sessions per client IP, and messages per chat session, per minute. */
  RATE_LIMIT_SESSIONS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /**
   * Which proxies may set X-Forwarded-For (the client IP used by rate limits): unset trusts
   * none (the socket's address counts, so a rotated header cannot dodge the limit); `true`
   * (every hop: only behind a proxy that overwrites the header), or comma-separated
   * addresses/CIDRs of the load balancer.
   */
  TRUST_PROXY: optional(
    z
      .string()
      .trim()
      .min(1)
      .transform((v): boolean | string[] =>
        v === "true" ? true : v === "false" ? false : v.split(",").map((a) => a.trim()),
      ),
  ),
  /** Login attempts per client IP per minute (on top of the per-account lockout). */
  RATE_LIMIT_LOGINS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** Customers silent this many days are anonymised by a daily job (PIPL); 0 keeps data forever. */
  RETENTION_DAYS: z.coerce.number().int().min(0).default(365),
  /**
   * Issue 17: reading waybill numbers from customers' images. paddle = PaddleOCR PP-OCRv4 shipped
   * in @gutenye/ocr-node (model loaded on the first image, ~0.5 s); off = images are stored and
   * shown, the customer is asked to type the number.
   */
  OCR: z.enum(["paddle", "off"]).default("paddle"),
  /** Issue 17: images kept per conversation; more are refused politely (ATTACHMENT_LIMIT). */
  ATTACHMENTS_PER_CONVERSATION: z.coerce.number().int().min(1).max(1000).default(30),
  /** Issue 17: image uploads per web chat session per minute. */
  RATE_LIMIT_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Human service hours, told to customers who ask for a person while nobody is online. */
  OFFICE_HOURS: z.string().min(1).default("每天 09:00–21:00"),
  /** The same hours in English, for customers the bot answers in English. */
  OFFICE_HOURS_EN: z.string().min(1).default("daily 09:00–21:00"),
  /** Knowledge base: answer only at or above this retrieval confidence (default measured, README). */
  KB_ANSWER_THRESHOLD: optional(z.coerce.number().min(0).max(1)),
  /** How often the embedded scheduler polls the database for due timers. */
  SCHEDULER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /**
   * How often the database is swept: scale mode fires the timers overdue by more than 5 s that
   * Redis lost or cannot deliver; both modes answer turns left `received` (the replay sweep).
   */
  SCHEDULER_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** First outbox retry delay, ms; each further retry doubles it (±20 % jitter, at most 10 min). */
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  TRACKING_WEBHOOK_SECRET: optional(z.string().min(16, "must be at least 16 characters")),
  /** Kuaidi100-style live query API; unset = answer from the shipment store only. */
  TRACKING_AGGREGATOR_URL: optional(z.url()),
  TRACKING_AGGREGATOR_CUSTOMER: optional(z.string().min(1)),
  TRACKING_AGGREGATOR_KEY: optional(z.string().min(1)),
  TRACKING_AGGREGATOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1500),
  TRACKING_AGGREGATOR_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  TRACKING_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  /** Normal delivery limits (GB/T 27917.2) and the "stuck" threshold for proactive care. */
  TRACKING_SAME_CITY_HOURS: z.coerce.number().positive().default(24),
  TRACKING_INTERCITY_HOURS: z.coerce.number().positive().default(72),
  TRACKING_STUCK_HOURS: z.coerce.number().positive().default(48),
  /** Issue 21: webhook targets on this server or a private network (off by default: SSRF). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  /** Issue 21: attempts per webhook delivery before it is dead-lettered (backoff 1 s … 10 min). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** Issue 21: how often due webhook deliveries are looked for, ms. */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
  SLA_WEBHOOK_URL: optional(z.url()),
  SLA_WEBHOOK_SECRET: optional(z.string().min(16)),
  /** Share of an SLA clock's time at which it warns (seeded policies; admins change it per policy). */
  SLA_WARN_RATIO: z.coerce.number().gt(0).lt(1).default(0.8),
  /** A LOSS/DAMAGE claim above this many yuan is high priority. */
  TICKET_HIGH_AMOUNT: z.coerce.number().positive().default(500),
  /** A claim above this many yuan is urgent and routed to 法务 (003 §3.1.3). */
  TICKET_LEGAL_AMOUNT: z.coerce.number().positive().default(5000),
  /** A claim's declared value above this (yuan) is refused in the chat and needs a person (issue 15). */
  CLAIM_MAX_AMOUNT: z.coerce.number().positive().default(50000),
  /** Repeat-complaint window and reopen window after resolution, in days. */
  TICKET_REOPEN_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  SURVEY_DELAY_SECONDS: z.coerce.number().int().min(0).default(300),
  /** JSON file merged over the survey defaults (questions, texts, reminder and window hours). */
  SURVEY_CONFIG_FILE: optional(z.string().min(1)),
  /** JSON file merged over the report defaults (targets, red lines, early-warning thresholds). */
  REPORT_CONFIG_FILE: optional(z.string().min(1)),
  /**
   * Fault injection for the crash-recovery tests only: `crash_after_inbound_store` kills the
   * process with SIGKILL right after an inbound message is stored, before its turn runs.
   */
  FAULT_INJECT: optional(z.enum(["crash_after_inbound_store"])),
  /** Seed demo shipments on the first embedded start (tracking questions work out of the box). */
  DEMO_DATA: optional(bool),
  // ── channels (issue 9): each is enabled by its own variables ──
  /** WeChat Official Account webhook (/webhooks/wechat): token, app id and secret together. */
  WECHAT_TOKEN: optional(z.string().regex(/^[A-Za-z0-9]{3,32}$/, "must be 3-32 letters or digits (WeChat's rule)")),
  WECHAT_APP_ID: optional(z.string().min(1)),
  WECHAT_APP_SECRET: optional(z.string().min(1)),
  /** EncodingAESKey: enables safe (encrypted) mode. */
  WECHAT_AES_KEY: optional(z.string().regex(/^[A-Za-z0-9+/]{43}$/, "must be the 43-character EncodingAESKey")),
  /**
   * With WECHAT_AES_KEY set, plain (unencrypted) pushes are refused: their signature covers only
   * the timestamp and nonce, not the body. true while moving an account from plain to safe mode.
   */
  WECHAT_ALLOW_PLAIN: optional(bool),
  WECHAT_API_BASE: z.url().default("https://api.weixin.qq.com"),
  /** How long a push waits for the turn before answering "success" (WeChat allows 5 s); 0 = replies always via the API. */
  WECHAT_PASSIVE_WINDOW_MS: z.coerce.number().int().min(0).max(4500).default(4000),
  /** Wechaty (a WeChat account run by the bot): the puppet package, e.g. wechaty-puppet-service. */
  WECHATY_PUPPET: optional(z.string().regex(/^[@a-z0-9/_.-]+$/, "must be a puppet package name")),
  WECHATY_PUPPET_SERVICE_TOKEN: optional(z.string().min(1)),
  WECHATY_NAME: optional(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)),
  /** SMS: Twilio (inbound webhook + outbound) or Aliyun (outbound). */
  SMS_PROVIDER: optional(z.enum(["twilio", "aliyun"])),
  TWILIO_ACCOUNT_SID: optional(z.string().min(1)),
  TWILIO_AUTH_TOKEN: optional(z.string().min(1)),
  TWILIO_FROM: optional(z.string().min(1)),
  TWILIO_API_BASE: z.url().default("https://api.twilio.com"),
  ALIYUN_SMS_ACCESS_KEY_ID: optional(z.string().min(1)),
  ALIYUN_SMS_ACCESS_KEY_SECRET: optional(z.string().min(1)),
  ALIYUN_SMS_SIGN_NAME: optional(z.string().min(1)),
  ALIYUN_SMS_TEMPLATE_CODE: optional(z.string().min(1)),
  ALIYUN_SMS_API_BASE: z.url().default("https://dysmsapi.aliyuncs.com"),
  /** The most characters the approved template's variable carries (longer texts: numbered parts). */
  ALIYUN_SMS_MAX_CHARS: z.coerce.number().int().min(20).max(1000).default(300),
  /** The most separate SMS one message may become; an agent's longer text is refused before sending. */
  SMS_MAX_PARTS: z.coerce.number().int().min(1).max(20).default(5),
  /**
   * Behind a proxy that rewrites the host: verify Twilio signatures against the URL rebuilt from
   * X-Forwarded-Proto/-Host/-Port instead of PUBLIC_URL. Off by default (the headers are spoofable).
   */
  TWILIO_TRUST_FORWARDED: optional(bool),
  /** Inbound SMS per number per minute before the bot stops answering (auto-responder loops). */
  SMS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(10),
  /** Bot Framework (/api/messages): with app id + password, or BOTFRAMEWORK_ENABLED=true for the local Emulator. */
  BOTFRAMEWORK_ENABLED: optional(bool),
  MICROSOFT_APP_ID: optional(z.string().min(1)),
  MICROSOFT_APP_PASSWORD: optional(z.string().min(1)),
  MICROSOFT_APP_TENANT_ID: optional(z.string().min(1)),
  /**
   * The Bot Connector client's own retry of a send the connector answers 5xx (or cannot reach),
   * before the outbox's retry: its first delay, ms. Each of its 3 retries doubles it, half to all
   * of it at random (botframework-connector's default policy: 1 s).
   */
  BOTFRAMEWORK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
});

export type Config = z.infer<typeof configSchema> & {
  /** Derived: "embedded" (PGlite + in-process scheduler) or "scale" (PostgreSQL + Redis). */
  mode: "embedded" | "scale";
  pgliteDir: string;
  /** Embedded mode: where attachment bytes are kept (issue 17). */
  attachmentsDir: string;
  publicUrl: string;
};

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
  }
}

/** Parses env once; every bad variable is named in one error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
  }
  const c = parsed.data;
  if (c.REDIS_URL && !c.DATABASE_URL) {
    throw new ConfigError(["REDIS_URL: scale mode needs DATABASE_URL too (PGlite is single-process)"]);
  }
  if (c.INSTANCES !== 1 && !(c.DATABASE_URL && c.REDIS_URL)) {
    throw new ConfigError([
      "INSTANCES: several instances need scale mode (DATABASE_URL + REDIS_URL); PGlite is single-process",
    ]);
  }
  if (c.TRACKING_AGGREGATOR_URL && !(c.TRACKING_AGGREGATOR_CUSTOMER && c.TRACKING_AGGREGATOR_KEY)) {
    throw new ConfigError([
      "TRACKING_AGGREGATOR_URL: needs TRACKING_AGGREGATOR_CUSTOMER and TRACKING_AGGREGATOR_KEY (the API signs requests)",
    ]);
  }
  return {
    ...c,
    mode: c.DATABASE_URL && c.REDIS_URL ? "scale" : "embedded",
    pgliteDir: path.resolve(c.DATA_DIR, "pglite"),
    attachmentsDir: path.resolve(c.DATA_DIR, "attachments"),
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ""),
  };
}
