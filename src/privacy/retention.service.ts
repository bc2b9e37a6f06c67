import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { Scheduler } from "../scheduler/scheduler.js";

export const ANONYMISED = "[已匿名]";
const JOB_KEY = "retention:daily";

/** The next 03:00 in China (UTC+8, no DST): a quiet hour for the daily job. */
export function nextRunAt(now: Date): Date {
  const shanghai = new Date(now.getTime() + 8 * 3_600_000);
  const next = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate(), 3) - 8 * 3_600_000;
  return new Date(next > now.getTime() ? next : next + 86_400_000);
}

/**
 * Data retention (个人信息保护法 Art. 19: personal information is kept no longer than its
 * purpose needs): customers silent for RETENTION_DAYS are anonymised — message text, names,
 * phone numbers, channel addresses, ticket contact data — while tickets keep their category,
 * timings and outcomes so statistics stay whole. Runs daily through the scheduler.
 */
export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
    private readonly retentionDays: number,
    /** Deletes what else is kept of an anonymised customer: their images (issue 17). */
    private readonly forget?: (customerId: string) => Promise<void>,
  ) {
    scheduler.handle("retention", async () => {
      await this.run();
      await this.arm();
    });
  }

  /** Arms the next daily run (idempotent: the key is fixed). */
  async arm(now = new Date()): Promise<void> {
    if (this.retentionDays > 0) await this.scheduler.arm(JOB_KEY, nextRunAt(now));
  }

  /** Anonymises every customer whose last activity is older than the retention period. */
  async run(now = new Date()): Promise<{ customers: number }> {
    if (this.retentionDays <= 0) return { customers: 0 };
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      const stale = await this.db.$queryRaw<{ id: string }[]>`
        SELECT c.id FROM "Customer" c
        WHERE c."anonymisedAt" IS NULL AND c."createdAt" < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM "Conversation" v WHERE v."customerId" = c.id AND v."lastMessageAt" >= ${cutoff})
          AND NOT EXISTS (SELECT 1 FROM "Ticket" t WHERE t."customerId" = c.id AND t.status NOT IN ('resolved', 'closed'))
        LIMIT 200`;
      if (!stale.length) break;
      for (const { id } of stale) await this.anonymise(id);
      total += stale.length;
    }
    if (total)
      this.log.info({ customers: total, retentionDays: this.retentionDays }, "retention: customers anonymised");
    return { customers: total };
  }

  private async anonymise(customerId: string): Promise<void> {
    const db = this.db;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`
        UPDATE "Message" SET text = ${ANONYMISED}, payload = NULL
        WHERE "conversationId" IN (SELECT id FROM "Conversation" WHERE "customerId" = ${customerId}::uuid)`;
      await tx.$executeRaw`
        UPDATE "Ticket" SET description = ${ANONYMISED}, "contactPhone" = NULL,
          resolution = CASE WHEN resolution IS NULL THEN NULL ELSE ${ANONYMISED} END
        WHERE "customerId" = ${customerId}::uuid`;
      await tx.$executeRaw`
        UPDATE "Survey" SET comment = CASE WHEN comment IS NULL THEN NULL ELSE ${ANONYMISED} END,
          "whatWentWrong" = CASE WHEN "whatWentWrong" IS NULL THEN NULL ELSE ${ANONYMISED} END
        WHERE "ticketId" IN (SELECT id FROM "Ticket" WHERE "customerId" = ${customerId}::uuid)`;
      await tx.$executeRaw`
        UPDATE "SurveyAnswer" SET raw = ${ANONYMISED}
        WHERE "surveyId" IN (SELECT s.id FROM "Survey" s JOIN "Ticket" t ON t.id = s."ticketId" WHERE t."customerId" = ${customerId}::uuid)`;
      const identities = await tx.channelIdentity.findMany({ where: { customerId }, select: { id: true } });
      for (const identity of identities) {
        await tx.channelIdentity.update({
          where: { id: identity.id },
          data: { externalId: `anonymised:${randomUUID()}`, displayName: null, address: {} },
        });
      }
      await tx.customer.update({
        where: { id: customerId },
        data: { name: null, phone: null, anonymisedAt: new Date() },
      });
      await tx.auditEvent.create({
        data: { actorType: "system", action: "customer.anonymise", subjectType: "customer", subjectId: customerId },
      });
    });
    // After the commit: bytes in files are outside the transaction (a failure is retried by the
    // next daily run through the customer's images, which stay findable by conversation).
    await this.forget?.(customerId).catch((err) => this.log.warn({ err, customerId }, "retention: images not deleted"));
  }
}
