import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireRole, STAFF } from "../agents/auth.plugin.js";
import type { AuthService, Principal } from "../agents/auth.service.js";
import { mayViewConversation } from "../agents/conversation-scope.js";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/client.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import { assertTicketVisible } from "../tickets/ticket.queries.js";

/**
 * Issue 18: labels on conversations and tickets. Admins keep the list (name, colour); any staff
 * member puts one on, or takes it off, a conversation or ticket they may see (the same scope as
 * reading it); the console's lists filter by label (`?label=<id>` on /api/conversations and
 * /api/tickets). Every change is audited.
 */
export const labelOut = z.object({ id: z.string(), name: z.string(), color: z.string() });
export type LabelDto = z.infer<typeof labelOut>;
const labelBody = z.object({
  name: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, "a label needs a name").max(20, "at most 20 characters")),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "colour as #rrggbb")
    .transform((s) => s.toLowerCase())
    .default("#2563eb"),
});
const labelSelect = { id: true, name: true, color: true } as const;
const uuid = (what: string) => z.uuid({ message: `${what} must be a UUID` });

export const labelRoutes =
  (db: Db, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    const staff = requireRole(auth, ...STAFF);
    const admin = requireRole(auth, "admin");
    const tags = ["labels"];
    const security = [{ bearer: [] }];

    const audit = (p: Principal, action: string, subjectType: string, subjectId: string, data: object) =>
      db.auditEvent.create({
        data: { actorType: "agent", actorId: p.agentId, action, subjectType, subjectId, data },
      });
    const findLabel = async (id: string) => {
      const label = await db.label.findUnique({ where: { id }, select: labelSelect });
      if (!label) throw new AppError("LABEL_NOT_FOUND");
      return label;
    };
    const conversation = async (p: Principal, id: string) => {
      const conv = await db.conversation.findUnique({ where: { id }, select: { id: true, mode: true, agentId: true } });
      if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
      if (!(await mayViewConversation(db, { id: p.agentId, role: p.role, groups: p.groups }, conv)))
        throw new AppError("FORBIDDEN", "This conversation is outside your groups or belongs to another agent");
      return conv;
    };
    const ticket = async (p: Principal, number: string) => {
      const t = await db.ticket.findUnique({
        where: { number },
        select: { id: true, groupCode: true, assigneeId: true },
      });
      if (!t) throw new AppError("TICKET_NOT_FOUND");
      assertTicketVisible(t, p);
      return t;
    };

    app.get(
      "/api/labels",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "The labels an admin defined (by name)",
          response: { 200: z.object({ labels: z.array(labelOut) }), ...errorResponses(401, 403) },
        },
      },
      async () => ({ labels: await db.label.findMany({ orderBy: { name: "asc" }, select: labelSelect }) }),
    );

    app.post(
      "/api/admin/labels",
      {
        onRequest: admin,
        schema: {
          tags,
          security,
          summary: "Define a label (409 LABEL_EXISTS for a name already used)",
          body: labelBody,
          response: { 201: labelOut, ...errorResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        try {
          const label = await db.label.create({ data: request.body, select: labelSelect });
          await audit(request.principal!, "label.create", "label", label.id, { name: label.name });
          return reply.code(201).send(label);
        } catch (err) {
          if (isUniqueViolation(err)) throw new AppError("LABEL_EXISTS");
          throw err;
        }
      },
    );

    app.delete(
      "/api/admin/labels/:id",
      {
        onRequest: admin,
        schema: {
          tags,
          security,
          summary: "Delete a label (it leaves every conversation and ticket)",
          params: z.object({ id: uuid("label id") }),
          response: { 204: z.null(), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const label = await findLabel(request.params.id);
        await db.label.delete({ where: { id: label.id } });
        await audit(request.principal!, "label.delete", "label", label.id, { name: label.name });
        return reply.code(204).send(null);
      },
    );

    const subjectParams = {
      conversation: z.object({ id: uuid("conversation id"), labelId: uuid("label id") }),
      ticket: z.object({ number: z.string().min(1).max(40), labelId: uuid("label id") }),
    };
    for (const method of ["put", "delete"] as const) {
      const on = method === "put";
      app[method](
        "/api/conversations/:id/labels/:labelId",
        {
          onRequest: staff,
          schema: {
            tags,
            security,
            summary: on ? "Put a label on a conversation you may see" : "Take a label off a conversation you may see",
            params: subjectParams.conversation,
            response: { 200: z.object({ labels: z.array(labelOut) }), ...errorResponses(400, 401, 403, 404) },
          },
        },
        async (request) => {
          const p = request.principal!;
          const { id, labelId } = request.params;
          await conversation(p, id);
          const label = await findLabel(labelId);
          if (on)
            await db.conversationLabel.upsert({
              where: { conversationId_labelId: { conversationId: id, labelId } },
              create: { conversationId: id, labelId },
              update: {},
            });
          else await db.conversationLabel.deleteMany({ where: { conversationId: id, labelId } });
          await audit(p, on ? "conversation.label" : "conversation.unlabel", "conversation", id, { label: label.name });
          return { labels: await conversationLabels(db, id) };
        },
      );
      app[method](
        "/api/tickets/:number/labels/:labelId",
        {
          onRequest: staff,
          schema: {
            tags,
            security,
            summary: on ? "Put a label on a ticket you may see" : "Take a label off a ticket you may see",
            params: subjectParams.ticket,
            response: { 200: z.object({ labels: z.array(labelOut) }), ...errorResponses(400, 401, 403, 404) },
          },
        },
        async (request) => {
          const p = request.principal!;
          const t = await ticket(p, request.params.number);
          const label = await findLabel(request.params.labelId);
          const labelId = label.id;
          if (on)
            await db.ticketLabel.upsert({
              where: { ticketId_labelId: { ticketId: t.id, labelId } },
              create: { ticketId: t.id, labelId },
              update: {},
            });
          else await db.ticketLabel.deleteMany({ where: { ticketId: t.id, labelId } });
          await audit(p, on ? "ticket.label" : "ticket.unlabel", "ticket", t.id, { label: label.name });
          return { labels: await ticketLabels(db, t.id) };
        },
      );
    }

    app.get(
      "/api/tickets/:number/labels",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "The labels on a ticket you may see",
          params: z.object({ number: z.string().min(1).max(40) }),
          response: { 200: z.object({ labels: z.array(labelOut) }), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => ({
        labels: await ticketLabels(db, (await ticket(request.principal!, request.params.number)).id),
      }),
    );
  };

export async function conversationLabels(db: Db, conversationId: string): Promise<LabelDto[]> {
  const rows = await db.conversationLabel.findMany({
    where: { conversationId },
    select: { label: { select: labelSelect } },
  });
  return rows.map((r) => r.label).sort((a, b) => a.name.localeCompare(b.name));
}

async function ticketLabels(db: Db, ticketId: string): Promise<LabelDto[]> {
  const rows = await db.ticketLabel.findMany({ where: { ticketId }, select: { label: { select: labelSelect } } });
  return rows.map((r) => r.label).sort((a, b) => a.name.localeCompare(b.name));
}
