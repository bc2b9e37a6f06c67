import type { Prisma } from "../generated/prisma/client.js";

/** The database or a transaction: an audit row is written beside the change it records. */
export type AuditWriter = Pick<Prisma.TransactionClient, "auditEvent" | "cannedReply">;

export interface AuditEntry {
  /** `<subject>.<verb>`: `ticket.resolved`, `canned_reply.used`, `kb.article.updated` … */
  action: string;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  /** What an auditor needs to read the line; never message text or phone numbers. */
  data?: Record<string, unknown> | undefined;
}

/** Records one staff action: what route plugins are given (the composition root binds the database). */
export type StaffAudit = (agentId: string, entry: AuditEntry) => Promise<void>;

export const staffAudit =
  (db: AuditWriter): StaffAudit =>
  (agentId, entry) =>
    auditStaff(db, agentId, entry);

/** One staff action in the append-only audit log (actors are agents; the list shows their names). */
export async function auditStaff(db: AuditWriter, agentId: string, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorType: "agent",
      actorId: agentId,
      action: entry.action,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId ?? null,
      ...(entry.data ? { data: entry.data as Prisma.InputJsonValue } : {}),
    },
  });
}

/**
 * A reply an agent sent from a canned reply: recorded as its own line (which template, where),
 * so supervisors can see which canned replies are used. A template deleted meanwhile is still
 * recorded by id.
 */
export async function auditCannedReply(
  db: AuditWriter,
  agentId: string,
  cannedReplyId: string,
  where: { subjectType: "ticket" | "conversation"; subjectId: string; number?: string | undefined },
): Promise<void> {
  const canned = await db.cannedReply.findUnique({ where: { id: cannedReplyId }, select: { title: true } });
  await auditStaff(db, agentId, {
    action: "canned_reply.used",
    subjectType: where.subjectType,
    subjectId: where.subjectId,
    data: { cannedReplyId, title: canned?.title ?? null, ...(where.number ? { number: where.number } : {}) },
  });
}
