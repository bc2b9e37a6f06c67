import { randomBytes } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/client.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import { int8String } from "../http/storable-text.js";
import type { OutboxService } from "../outbox/outbox.service.js";
import { auditStaff } from "./audit.js";
import { requireRole, STAFF } from "./auth.plugin.js";
import { AuthService, ROLES } from "./auth.service.js";

const agentOut = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  presence: z.string(),
  active: z.boolean(),
  maxOpenTickets: z.number(),
  groups: z.array(z.string()),
});
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

const auditEventOut = z.object({
  id: z.string(),
  at: z.string(),
  actorType: z.string().describe("agent | customer | system"),
  actorId: z.string().nullable(),
  actor: z
    .object({ id: z.string(), username: z.string(), displayName: z.string() })
    .nullable()
    .describe("the staff member who acted, by name (null for the system, customers, or a deleted account)"),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  data: z.unknown(),
});

const password = z.string().min(8, "password must be at least 8 characters").max(200);

/** Admin pages' API: staff accounts, groups, canned replies, audit log, dead letters. */
export const adminRoutes =
  (db: Db, auth: AuthService, outbox: OutboxService): FastifyPluginAsyncZod =>
  async (app) => {
    const admin = requireRole(auth, "admin");
    const supervisor = requireRole(auth, "supervisor", "admin");
    const staff = requireRole(auth, ...STAFF);
    const security = [{ bearer: [] }];

    const toAgentOut = (a: {
      id: string;
      username: string;
      displayName: string;
      role: string;
      presence: string;
      active: boolean;
      maxOpenTickets: number;
      groups: { groupCode: string }[];
    }) => ({ ...a, role: a.role as (typeof ROLES)[number], groups: a.groups.map((g) => g.groupCode) });

    app.get(
      "/api/admin/agents",
      {
        onRequest: supervisor,
        schema: {
          tags: ["admin"],
          security,
          summary: "Staff accounts",
          response: { 200: z.object({ agents: z.array(agentOut) }), ...errorResponses(401, 403) },
        },
      },
      async () => {
        const agents = await db.agent.findMany({
          orderBy: { username: "asc" },
          include: { groups: { select: { groupCode: true } } },
        });
        return { agents: agents.map(toAgentOut) };
      },
    );

    app.post(
      "/api/admin/agents",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "Create a staff account",
          body: z.object({
            username: z.string().regex(/^[a-zA-Z0-9_.-]{2,40}$/, "username: 2–40 letters, digits, _ . -"),
            displayName: z.string().trim().min(1).max(60),
            password,
            role: z.enum(ROLES).default("agent"),
            groups: z.array(z.string()).default([]),
            maxOpenTickets: z.number().int().min(1).max(200).default(10),
          }),
          response: { 201: agentOut, ...errorResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const b = request.body;
        await assertGroups(db, b.groups);
        try {
          const created = await db.agent.create({
            data: {
              username: b.username,
              displayName: b.displayName,
              passwordHash: await AuthService.hashPassword(b.password),
              role: b.role,
              maxOpenTickets: b.maxOpenTickets,
              groups: { create: b.groups.map((groupCode) => ({ groupCode })) },
            },
            include: { groups: { select: { groupCode: true } } },
          });
          await db.auditEvent.create({
            data: {
              actorType: "agent",
              actorId: request.principal!.agentId,
              action: "agent.create",
              subjectType: "agent",
              subjectId: created.id,
              data: { username: b.username, role: b.role },
            },
          });
          return reply.code(201).send(toAgentOut(created));
        } catch (err) {
          if (isUniqueViolation(err)) throw new AppError("CONFLICT", `Username "${b.username}" is taken`);
          throw err;
        }
      },
    );

    app.patch(
      "/api/admin/agents/:id",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "Change a staff account (role, groups, active, password, cap)",
          params: z.object({ id: z.uuid() }),
          body: z.object({
            displayName: z.string().trim().min(1).max(60).optional(),
            role: z.enum(ROLES).optional(),
            groups: z.array(z.string()).optional(),
            active: z.boolean().optional(),
            password: password.optional(),
            maxOpenTickets: z.number().int().min(1).max(200).optional(),
          }),
          response: { 200: agentOut, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const b = request.body;
        const existing = await db.agent.findUnique({ where: { id: request.params.id } });
        if (!existing) throw new AppError("NOT_FOUND", "Agent not found");
        if (b.groups) await assertGroups(db, b.groups);
        // Nobody could administer the product again: the last active admin stays one.
        const demoted = (b.role !== undefined && b.role !== "admin") || b.active === false;
        if (existing.role === "admin" && existing.active && demoted) {
          const admins = await db.agent.count({ where: { role: "admin", active: true } });
          if (admins <= 1) throw new AppError("LAST_ADMIN");
        }
        const updated = await db.$transaction(async (tx) => {
          if (b.groups) {
            await tx.agentGroup.deleteMany({ where: { agentId: existing.id } });
            await tx.agentGroup.createMany({
              data: b.groups.map((groupCode) => ({ agentId: existing.id, groupCode })),
            });
          }
          if (b.active === false || b.password)
            await tx.authSession.updateMany({
              where: { agentId: existing.id, revokedAt: null },
              data: { revokedAt: new Date() },
            });
          return tx.agent.update({
            where: { id: existing.id },
            data: {
              ...(b.displayName ? { displayName: b.displayName } : {}),
              ...(b.role ? { role: b.role } : {}),
              ...(b.active !== undefined ? { active: b.active } : {}),
              ...(b.maxOpenTickets ? { maxOpenTickets: b.maxOpenTickets } : {}),
              ...(b.password
                ? { passwordHash: await AuthService.hashPassword(b.password), failedLogins: 0, lockedUntil: null }
                : {}),
            },
            include: { groups: { select: { groupCode: true } } },
          });
        });
        await db.auditEvent.create({
          data: {
            actorType: "agent",
            actorId: request.principal!.agentId,
            action: "agent.update",
            subjectType: "agent",
            subjectId: existing.id,
            data: { ...b, password: b.password ? "[changed]" : undefined },
          },
        });
        auth.agentChanged(existing.id);
        return toAgentOut(updated);
      },
    );

    app.post(
      "/api/admin/agents/:id/password-reset",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary:
            "Reset a staff member's password: a new one is generated and returned once (never stored in clear); their sessions end and a lockout is lifted",
          params: z.object({ id: z.uuid() }),
          response: {
            200: z.object({ password: z.string().describe("the new password, shown once") }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        const existing = await db.agent.findUnique({ where: { id: request.params.id }, select: { id: true } });
        if (!existing) throw new AppError("NOT_FOUND", "Agent not found");
        // 12 random bytes: 16 characters of base64url (96 bits).
        const newPassword = randomBytes(12).toString("base64url");
        const passwordHash = await AuthService.hashPassword(newPassword);
        await db.$transaction(async (tx) => {
          await tx.agent.update({
            where: { id: existing.id },
            data: { passwordHash, failedLogins: 0, lockedUntil: null },
          });
          await tx.authSession.updateMany({
            where: { agentId: existing.id, revokedAt: null },
            data: { revokedAt: new Date() },
          });
          await auditStaff(tx, request.principal!.agentId, {
            action: "agent.password_reset",
            subjectType: "agent",
            subjectId: existing.id,
            data: { password: "[generated]" },
          });
        });
        auth.agentChanged(existing.id);
        return { password: newPassword };
      },
    );

    app.get(
      "/api/groups",
      {
        onRequest: staff,
        schema: {
          tags: ["admin"],
          security,
          summary: "Routing groups",
          response: {
            200: z.object({ groups: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() })) }),
            ...errorResponses(401),
          },
        },
      },
      async () => ({ groups: await db.group.findMany({ orderBy: { code: "asc" } }) }),
    );

    const canned = z.object({ id: z.string(), title: z.string(), text: z.string(), groupCode: z.string().nullable() });
    app.get(
      "/api/canned-replies",
      {
        onRequest: staff,
        schema: {
          tags: ["console"],
          security,
          summary: "Canned replies ({customerName}, {waybill} are filled in)",
          response: { 200: z.object({ cannedReplies: z.array(canned) }), ...errorResponses(401) },
        },
      },
      async (request) => {
        const p = request.principal!;
        const rows = await db.cannedReply.findMany({
          where: p.role === "agent" ? { OR: [{ groupCode: null }, { groupCode: { in: p.groups } }] } : {},
          orderBy: { title: "asc" },
        });
        return { cannedReplies: rows.map(({ id, title, text, groupCode }) => ({ id, title, text, groupCode })) };
      },
    );
    app.post(
      "/api/admin/canned-replies",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "Add a canned reply",
          body: z.object({
            title: z.string().trim().min(1).max(60),
            text: z.string().trim().min(1).max(2000),
            groupCode: z.string().nullable().default(null),
          }),
          response: { 201: canned, ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        if (request.body.groupCode) await assertGroups(db, [request.body.groupCode]);
        const row = await db.cannedReply.create({ data: request.body });
        await auditStaff(db, request.principal!.agentId, {
          action: "canned_reply.create",
          subjectType: "canned_reply",
          subjectId: row.id,
          data: { title: row.title, groupCode: row.groupCode },
        });
        return reply.code(201).send({ id: row.id, title: row.title, text: row.text, groupCode: row.groupCode });
      },
    );
    app.delete(
      "/api/admin/canned-replies/:id",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "Delete a canned reply",
          params: z.object({ id: z.uuid() }),
          response: { 204: z.null(), ...errorResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const row = await db.cannedReply.findUnique({ where: { id: request.params.id }, select: { title: true } });
        const res = await db.cannedReply.deleteMany({ where: { id: request.params.id } });
        if (!res.count) throw new AppError("NOT_FOUND", "Canned reply not found");
        await auditStaff(db, request.principal!.agentId, {
          action: "canned_reply.delete",
          subjectType: "canned_reply",
          subjectId: request.params.id,
          data: { title: row?.title ?? null },
        });
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/admin/audit",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary:
            "Audit log of staff and system actions (append-only), newest first; a staff actor is named (actor: username and display name)",
          querystring: z.object({
            before: int8String("before").optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({ events: z.array(auditEventOut) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async (request) => {
        const rows = await db.auditEvent.findMany({
          where: request.query.before ? { id: { lt: BigInt(request.query.before) } } : {},
          orderBy: { id: "desc" },
          take: request.query.limit,
        });
        // actorId is free text (agents, customers, the system): name the agents among them.
        const agentIds = [
          ...new Set(
            rows.filter((r) => r.actorType === "agent" && r.actorId && isUuid(r.actorId)).map((r) => r.actorId!),
          ),
        ];
        const agents = agentIds.length
          ? await db.agent.findMany({
              where: { id: { in: agentIds } },
              select: { id: true, username: true, displayName: true },
            })
          : [];
        const byId = new Map(agents.map((a) => [a.id, a]));
        return {
          events: rows.map((r) => ({
            ...r,
            id: r.id.toString(),
            at: r.at.toISOString(),
            actor: (r.actorType === "agent" && r.actorId && byId.get(r.actorId)) || null,
          })),
        };
      },
    );

    app.get(
      "/api/admin/outbox/dead",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "Outbound messages that failed every retry",
          response: {
            200: z.object({ dead: z.array(z.record(z.string(), z.unknown())) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async () => {
        const rows = await db.outbox.findMany({ where: { status: "dead" }, orderBy: { createdAt: "desc" }, take: 200 });
        return {
          dead: rows.map((r) => ({
            id: r.id,
            channel: r.channel,
            attempts: r.attempts,
            lastError: r.lastError,
            createdAt: r.createdAt.toISOString(),
            messageId: r.messageId,
          })),
        };
      },
    );
    app.post(
      "/api/admin/outbox/:id/retry",
      {
        onRequest: admin,
        schema: {
          tags: ["admin"],
          security,
          summary: "Retry a dead-lettered message",
          params: z.object({ id: z.uuid() }),
          response: { 202: z.object({ retried: z.boolean() }), ...errorResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const retried = await outbox.retry(request.params.id);
        if (!retried) throw new AppError("NOT_FOUND", "No dead-lettered message with that id");
        await db.auditEvent.create({
          data: {
            actorType: "agent",
            actorId: request.principal!.agentId,
            action: "outbox.retry",
            subjectType: "outbox",
            subjectId: request.params.id,
          },
        });
        return reply.code(202).send({ retried });
      },
    );
  };

async function assertGroups(db: Db, codes: string[]): Promise<void> {
  if (!codes.length) return;
  const found = await db.group.count({ where: { code: { in: codes } } });
  if (found !== new Set(codes).size) throw new AppError("BAD_REQUEST", `Unknown group in ${JSON.stringify(codes)}`);
}
