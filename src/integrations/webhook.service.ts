import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { WebhookDelivery, WebhookSubscription } from "../generated/prisma/client.js";
import type { WebhookDispatcher } from "./webhook.dispatcher.js";
import { WEBHOOK_EVENTS } from "./webhook.events.js";
import { checkWebhookTarget } from "./webhook-target.js";

export interface SubscriptionInput {
  url: string;
  events: string[];
  /** At least 16 characters; generated (32 url-safe characters) when absent. */
  secret?: string | undefined;
  enabled?: boolean | undefined;
  description?: string | undefined;
}

/** A subscription as the admin API shows it: the secret only as its last 4 characters. */
export interface SubscriptionView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string;
  disabledReason: string | null;
  /** standard, or sla_legacy: the one kept in step with SLA_WEBHOOK_URL (legacy payload). */
  format: string;
  secretHint: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  event: string;
  subject: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  latencyMs: number | null;
  createdAt: string;
  nextAttemptAt: string;
  deliveredAt: string | null;
}

const view = (s: WebhookSubscription): SubscriptionView => ({
  id: s.id,
  url: s.url,
  events: s.events,
  enabled: s.enabled,
  description: s.description,
  disabledReason: s.disabledReason,
  format: s.format,
  secretHint: `…${s.secret.slice(-4)}`,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

const deliveryView = (d: WebhookDelivery): DeliveryView => ({
  id: d.id.toString(),
  eventId: d.eventId,
  event: d.event,
  subject: d.subject,
  status: d.status,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  latencyMs: d.latencyMs,
  createdAt: d.createdAt.toISOString(),
  nextAttemptAt: d.nextAttemptAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

function checkEvents(events: string[]): string[] {
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length)
    throw new AppError("WEBHOOK_EVENT_UNKNOWN", `Unknown event(s): ${unknown.join(", ")}`, { known: WEBHOOK_EVENTS });
  return [...new Set(events)];
}

export const LEGACY_SLA_FORMAT = "sla_legacy";
const LEGACY_SLA_DESCRIPTION = "SLA_WEBHOOK_URL（环境变量配置，启动时同步 · kept in step with SLA_WEBHOOK_URL）";
const LEGACY_SLA_UNSET = "SLA_WEBHOOK_URL is no longer set";

/** Admins' webhook subscriptions and their delivery log (issue 21). */
export class WebhookService {
  constructor(
    private readonly db: Db,
    private readonly dispatcher: WebhookDispatcher,
    private readonly opts: { allowPrivateTargets: boolean; now?: () => Date },
  ) {}

  async list(): Promise<SubscriptionView[]> {
    return (await this.db.webhookSubscription.findMany({ orderBy: { createdAt: "asc" } })).map(view);
  }

  async get(id: string): Promise<SubscriptionView> {
    return view(await this.find(id));
  }

  /** Creates a subscription; the secret is returned this once (signatures are checked with it). */
  async create(input: SubscriptionInput): Promise<SubscriptionView & { secret: string }> {
    await checkWebhookTarget(input.url, this.opts.allowPrivateTargets);
    const secret = input.secret ?? randomBytes(24).toString("base64url");
    const row = await this.db.webhookSubscription.create({
      data: {
        url: input.url,
        events: checkEvents(input.events),
        secret,
        enabled: input.enabled ?? true,
        description: input.description ?? "",
      },
    });
    return { ...view(row), secret };
  }

  /** Changes URL, events, secret, enabled or description; turning it on clears the 410 reason. */
  async update(id: string, input: Partial<SubscriptionInput>): Promise<SubscriptionView> {
    await this.find(id);
    if (input.url !== undefined) await checkWebhookTarget(input.url, this.opts.allowPrivateTargets);
    const row = await this.db.webhookSubscription.update({
      where: { id },
      data: {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: checkEvents(input.events) } : {}),
        ...(input.secret !== undefined ? { secret: input.secret } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled !== undefined
          ? { enabled: input.enabled, ...(input.enabled ? { disabledReason: null } : {}) }
          : {}),
      },
    });
    return view(row);
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.db.webhookSubscription.delete({ where: { id } });
  }

  /** The newest deliveries first (status: pending | delivered | dead to filter). */
  async deliveries(id: string, opts: { status?: string | undefined; limit?: number }): Promise<DeliveryView[]> {
    await this.find(id);
    const rows = await this.db.webhookDelivery.findMany({
      where: { subscriptionId: id, ...(opts.status ? { status: opts.status } : {}) },
      orderBy: { id: "desc" },
      take: opts.limit ?? 100,
    });
    return rows.map(deliveryView);
  }

  /** Sends a delivery again (a dead one, or a delivered one the receiver lost): pending, due now. */
  async replay(subscriptionId: string, deliveryId: string): Promise<DeliveryView> {
    const row = await this.db.webhookDelivery.findFirst({
      where: { id: BigInt(deliveryId), subscriptionId },
    });
    if (!row) throw new AppError("NOT_FOUND", "No such delivery for this webhook");
    const updated = await this.db.webhookDelivery.update({
      where: { id: row.id },
      data: { status: "pending", attempts: 0, nextAttemptAt: this.now(), lockedUntil: null, deliveredAt: null },
    });
    void this.dispatcher.kick();
    return deliveryView(updated);
  }

  /** The test button: a `webhook.test` delivery to this subscription only, sent now. */
  async test(id: string): Promise<DeliveryView> {
    await this.find(id);
    const now = this.now();
    const eventId = `test-${now.getTime()}-${randomBytes(3).toString("hex")}`;
    const row = await this.db.webhookDelivery.create({
      data: {
        subscriptionId: id,
        eventId,
        event: "webhook.test",
        subject: `test:${eventId}`,
        payload: { id: eventId, event: "webhook.test", at: now.toISOString() },
        nextAttemptAt: now,
      },
    });
    // A round already running may have missed the row: the second one sees it.
    await this.dispatcher.kick();
    await this.dispatcher.kick();
    const after = await this.db.webhookDelivery.findUnique({ where: { id: row.id } });
    return deliveryView(after ?? row);
  }

  /**
   * Issue 21: the legacy SLA webhook as a subscription. Called at start-up (under the seed lock):
   * with SLA_WEBHOOK_URL set, the one `sla_legacy` subscription is created or brought in step with
   * it (URL, secret — SLA_WEBHOOK_SECRET, or a generated one when unset, as the legacy webhook sent
   * no signature then —, both sla.* events; turned on again if a missing URL had turned it off);
   * with it unset, an existing one is turned off with the reason, so removing the variable stops
   * the posts as it always did. Admins see it in /admin; a 410 Gone turns it off like any other.
   */
  async syncLegacySla(url: string | undefined, secret: string | undefined): Promise<SubscriptionView | undefined> {
    const existing = await this.db.webhookSubscription.findFirst({ where: { format: LEGACY_SLA_FORMAT } });
    if (!url) {
      if (!existing?.enabled) return existing ? view(existing) : undefined;
      return view(
        await this.db.webhookSubscription.update({
          where: { id: existing.id },
          data: { enabled: false, disabledReason: LEGACY_SLA_UNSET },
        }),
      );
    }
    const events = [...new Set([...(existing?.events ?? []), "sla.warning", "sla.breached"])];
    if (!existing)
      return view(
        await this.db.webhookSubscription.create({
          data: {
            url,
            events,
            secret: secret ?? randomBytes(24).toString("base64url"),
            description: LEGACY_SLA_DESCRIPTION,
            format: LEGACY_SLA_FORMAT,
          },
        }),
      );
    return view(
      await this.db.webhookSubscription.update({
        where: { id: existing.id },
        data: {
          url,
          events,
          ...(secret ? { secret } : {}),
          ...(existing.disabledReason === LEGACY_SLA_UNSET ? { enabled: true, disabledReason: null } : {}),
        },
      }),
    );
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  private async find(id: string): Promise<WebhookSubscription> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.db.webhookSubscription.findUnique({ where: { id } }) : null;
    if (!row) throw new AppError("NOT_FOUND", "No such webhook");
    return row;
  }
}
