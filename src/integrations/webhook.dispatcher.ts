import type { Logger } from "pino";
import type { Database, Db } from "../db/client.js";
import { backoffMs } from "../scheduler/scheduler.js";
import { signWebhook } from "../sla/sla.service.js";
import { checkWebhookTarget } from "./webhook-target.js";

export interface WebhookDispatcherOptions {
  /** Attempts before a delivery is dead-lettered (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: re-checked before each send (a name can be re-pointed). */
  allowPrivateTargets: boolean;
  /** How often due deliveries are looked for (WEBHOOK_POLL_MS), ms. */
  pollMs: number;
  /**
   * Targets the operator configured in the environment (SLA_WEBHOOK_URL): trusted like
   * WEBHOOK_ALLOW_PRIVATE_TARGETS, so an on-premises legacy receiver keeps working. Only a
   * subscription whose URL is exactly one of these skips the SSRF check.
   */
  trustedUrls?: readonly string[];
  /** Deliveries claimed per round. */
  batchSize?: number;
  /** Per request, ms: a slow receiver costs this much of a background round, never a customer's turn. */
  timeoutMs?: number;
  now?: () => Date;
}

interface Claimed {
  id: string;
  subscriptionId: string;
  eventId: string;
  event: string;
  payload: unknown;
  attempts: number;
}

/** A claimed delivery's lease: another instance takes it over only after this (a crash mid-send). */
const LEASE_MS = 60_000;

/**
 * Sends the webhook deliveries that triggers wrote (migration 0030), on every worker instance:
 * claimed with `FOR UPDATE SKIP LOCKED` and a lease, so one instance sends each; only the oldest
 * pending delivery of a subject (a ticket, a conversation) per subscription is sent, so a
 * receiver sees one ticket's events in order; 2xx → delivered; 410 Gone → the subscription is
 * turned off and admins see why; anything else (or no answer) → retried with backoff, then
 * dead-lettered after `maxAttempts` (a dead delivery no longer holds its subject back).
 * At least once: a crash after the receiver answered but before the row was updated sends it
 * again; receivers deduplicate by `x-kd-event-id`.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly sql: Pick<Database, "query">,
    private readonly log: Logger,
    private readonly opts: WebhookDispatcherOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.kick(), this.opts.pollMs);
    this.timer.unref();
    void this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => 0);
  }

  /** One round now unless one is running (the poller and tests share it). */
  kick(): Promise<number> {
    this.running ??= this.dispatchDue()
      .catch((err) => {
        this.log.warn({ err }, "webhook dispatch round failed");
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Claims and sends what is due; returns how many were attempted. */
  async dispatchDue(): Promise<number> {
    const now = this.now();
    const claimed = await this.sql.query<Claimed>(
      `UPDATE "WebhookDelivery" d
       SET "lockedUntil" = $1::timestamp, attempts = d.attempts + 1
       WHERE d.id IN (
         SELECT d1.id FROM "WebhookDelivery" d1
         JOIN "WebhookSubscription" s ON s.id = d1."subscriptionId" AND s.enabled
         WHERE d1.status = 'pending' AND d1."nextAttemptAt" <= $2::timestamp
           AND (d1."lockedUntil" IS NULL OR d1."lockedUntil" < $2::timestamp)
           AND NOT EXISTS (
             SELECT 1 FROM "WebhookDelivery" d0
             WHERE d0."subscriptionId" = d1."subscriptionId" AND d0.subject = d1.subject
               AND d0.status = 'pending' AND d0.id < d1.id)
         ORDER BY d1.id
         LIMIT $3::int
         FOR UPDATE OF d1 SKIP LOCKED)
       RETURNING d.id::text AS id, d."subscriptionId"::text AS "subscriptionId", d."eventId", d.event, d.payload, d.attempts`,
      [new Date(now.getTime() + LEASE_MS).toISOString(), now.toISOString(), this.opts.batchSize ?? 50],
    );
    if (!claimed.length) return 0;
    const subscriptions = new Map(
      (
        await this.db.webhookSubscription.findMany({
          where: { id: { in: [...new Set(claimed.map((c) => c.subscriptionId))] } },
          select: { id: true, url: true, secret: true, format: true },
        })
      ).map((s) => [s.id, s]),
    );
    await Promise.all(
      claimed.map(async (d) => {
        const sub = subscriptions.get(d.subscriptionId);
        if (sub) await this.send(d, sub);
      }),
    );
    return claimed.length;
  }

  private async send(d: Claimed, sub: { id: string; url: string; secret: string; format: string }): Promise<void> {
    const payload = (typeof d.payload === "string" ? JSON.parse(d.payload) : d.payload) as Record<string, unknown>;
    const legacy = sub.format === "sla_legacy" ? legacySlaPayload(payload) : undefined;
    const body = JSON.stringify(legacy ?? payload);
    // The legacy webhook's event id was the bare TicketEvent id; receivers deduplicate by it.
    const eventId = legacy ? String(legacy.id) : d.eventId;
    const timestamp = Math.floor(this.now().getTime() / 1000).toString();
    const started = performance.now();
    let status: number | undefined;
    let error: string | undefined;
    try {
      if (!this.opts.trustedUrls?.includes(sub.url)) await checkWebhookTarget(sub.url, this.opts.allowPrivateTargets);
      const res = await fetch(sub.url, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/json",
          "user-agent": "kuaidi-desk-webhooks/1",
          "x-kd-event": d.event,
          "x-kd-event-id": eventId,
          "x-kd-delivery": d.id,
          "x-kd-timestamp": timestamp,
          "x-kd-signature": `sha256=${signWebhook(sub.secret, timestamp, body)}`,
        },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    const latencyMs = Math.round(performance.now() - started);
    const now = this.now();
    const id = BigInt(d.id);
    if (status !== undefined && status >= 200 && status < 300) {
      await this.db.webhookDelivery.update({
        where: { id },
        data: {
          status: "delivered",
          deliveredAt: now,
          lastStatus: status,
          lastError: null,
          latencyMs,
          lockedUntil: null,
        },
      });
      return;
    }
    if (status === 410) {
      // The receiver says it is gone for good: stop sending there, and say why in /admin.
      const reason = `The receiver answered 410 Gone on ${now.toISOString()}`;
      await this.db.$transaction([
        this.db.webhookSubscription.update({ where: { id: sub.id }, data: { enabled: false, disabledReason: reason } }),
        this.db.webhookDelivery.update({
          where: { id },
          data: { status: "dead", lastStatus: 410, lastError: reason, latencyMs, lockedUntil: null },
        }),
        this.db.auditEvent.create({
          data: {
            actorType: "system",
            action: "webhook.disabled",
            subjectType: "webhook",
            subjectId: sub.id,
            data: { reason },
          },
        }),
      ]);
      this.log.warn({ subscriptionId: sub.id }, "webhook subscription disabled: the receiver answered 410 Gone");
      return;
    }
    const lastError = error ?? `HTTP ${status}`;
    const dead = d.attempts >= this.opts.maxAttempts;
    await this.db.webhookDelivery.update({
      where: { id },
      data: {
        status: dead ? "dead" : "pending",
        lastStatus: status ?? null,
        lastError,
        latencyMs,
        lockedUntil: null,
        ...(dead ? {} : { nextAttemptAt: new Date(now.getTime() + backoffMs(d.attempts)) }),
      },
    });
    if (dead) this.log.warn({ subscriptionId: sub.id, deliveryId: d.id, lastError }, "webhook delivery dead-lettered");
  }
}

/**
 * The body the legacy SLA webhook (SLA_WEBHOOK_URL) always sent, from a standard sla.* payload:
 * `{ id, type, at, ticket { number, category, priority, groupCode, assigneeId, status }, clock }`
 * with `id` the bare TicketEvent id and `clock` the event's data (clockId, kind, dueAt …). Other
 * events (an admin may subscribe it to more) keep the standard body.
 */
export function legacySlaPayload(p: Record<string, unknown>): Record<string, unknown> | undefined {
  if (p.event !== "sla.warning" && p.event !== "sla.breached") return undefined;
  const t = (p.ticket ?? {}) as Record<string, unknown>;
  return {
    id: String(p.id).replace(/^te-/, ""),
    type: p.event,
    at: p.at,
    ticket: {
      number: t.number,
      category: t.category,
      priority: t.priority,
      groupCode: t.groupCode,
      assigneeId: t.assigneeId ?? null,
      status: t.status,
    },
    clock: p.data ?? {},
  };
}
