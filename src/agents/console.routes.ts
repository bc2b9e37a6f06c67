import type {} from "@fastify/websocket";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../errors.js";
import { errorResponses, visibleText } from "../http/schemas.js";
import type { EventBus, RealtimeEvent } from "../realtime/event-bus.js";
import {
  ADMINS_TOPIC,
  AGENTS_TOPIC,
  BUS_GAP,
  SCOPE_CHANGED,
  STAFF_CHANGES_TOPIC,
  SUPERVISORS_TOPIC,
  staffTopic,
} from "../realtime/topics.js";
import { typingLimiter } from "../realtime/typing.js";
import { requireRole, STAFF } from "./auth.plugin.js";
import type { AuthService, Principal } from "./auth.service.js";
import type { ConsoleService } from "./console.service.js";

const idParams = z.object({ id: z.uuid({ message: "conversation id must be a UUID" }) });
const textBody = z.object({
  text: visibleText(2000),
});
const replyBody = textBody.extend({
  cannedReplyId: z.uuid().optional().describe("the canned reply this text came from (recorded in the audit log)"),
});
const messageOut = z.object({
  id: z.string(),
  seq: z.string(),
  text: z.string(),
  author: z.string(),
  createdAt: z.string(),
});
const mentionOut = z.object({ id: z.string(), username: z.string(), displayName: z.string() });

/** Staff events on the shared topic are filtered per agent: groups they belong to, or their own. */
export function visibleTo(principal: Principal, event: RealtimeEvent): boolean {
  if (principal.role !== "agent") return true;
  // Ticket events carry the ticket summary; SLA events carry the fields at the top level.
  const subject = (typeof event.ticket === "object" && event.ticket !== null ? event.ticket : event) as Record<
    string,
    unknown
  >;
  const group = typeof subject.groupCode === "string" ? subject.groupCode : undefined;
  const assignee = typeof subject.assigneeId === "string" ? subject.assigneeId : undefined;
  // An alert meant for the assignee (SLA warnings, a 不满意 survey: `audience`) reaches the
  // assignee only, not the whole group; unassigned, the group is who can act on it.
  if (assignee && Array.isArray(event.audience) && event.audience.includes("assignee"))
    return assignee === principal.agentId;
  if (!group && !assignee) return true;
  return (group !== undefined && principal.groups.includes(group)) || assignee === principal.agentId;
}

export const consoleRoutes =
  (
    auth: AuthService,
    consoleService: ConsoleService,
    bus: EventBus,
    /** Whether the named channel can carry an agent's image (issue 17; ChannelAdapter.sendsImages). */
    sendsImages: (channel: string) => boolean,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    const staff = requireRole(auth, ...STAFF);
    const tags = ["console"];
    const security = [{ bearer: [] }];

    app.get(
      "/api/conversations",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Conversations handed to humans: the queue, mine, or all visible",
          querystring: z.object({
            filter: z.enum(["queued", "mine", "all"]).default("all"),
            label: z
              .uuid({ message: "label must be a label id" })
              .optional()
              .describe("only conversations with this label (issue 18)"),
          }),
          response: {
            200: z.object({ conversations: z.array(z.record(z.string(), z.unknown())) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) => ({
        conversations: (await consoleService.list(
          request.principal!,
          request.query.filter,
          request.query.label,
        )) as unknown as Record<string, unknown>[],
      }),
    );

    app.get(
      "/api/conversations/:id",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary:
            "A conversation with its messages (internal notes too), customer and context; `sendsImages`: whether an agent can send this customer an image",
          params: idParams,
          response: { 200: z.record(z.string(), z.unknown()), ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const detail = await consoleService.detail(request.principal!, request.params.id);
        // The console offers 发送图片 only where the customer's channel can show it.
        return { ...detail, sendsImages: sendsImages(detail.channel) } as unknown as Record<string, unknown>;
      },
    );

    app.post(
      "/api/conversations/:id/take",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Take a queued conversation (it is yours until released or transferred)",
          params: idParams,
          response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await consoleService.take(request.principal!, request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/conversations/:id/reply",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Reply to the customer on their channel",
          params: idParams,
          body: replyBody,
          response: { 201: messageOut, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await consoleService.reply(
              request.principal!,
              request.params.id,
              request.body.text,
              request.body.cannedReplyId,
            ),
          ),
    );

    app.post(
      "/api/conversations/:id/note",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary:
            "Internal note (never sent to the customer). `@username` or `@显示名` of an active colleague mentions them: kept as `mentions` and pushed to their console (type `mention`); 422 MENTION_NOT_VISIBLE when one of them may not see this conversation",
          params: idParams,
          body: textBody,
          response: {
            201: messageOut.extend({ mentions: z.array(mentionOut).optional() }),
            ...errorResponses(400, 401, 403, 404, 422),
          },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await consoleService.note(request.principal!, request.params.id, request.body.text)),
    );

    app.post(
      "/api/conversations/:id/release",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Hand the conversation back to the bot",
          params: idParams,
          response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await consoleService.release(request.principal!, request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/conversations/:id/transfer",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Transfer to another agent, with a note",
          params: idParams,
          body: z.object({
            agent: z.string().min(1),
            // A note the colleague can read: one of only zero-width or direction marks was taken.
            note: visibleText(500),
          }),
          response: { 204: z.null(), ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await consoleService.transfer(request.principal!, request.params.id, request.body.agent, request.body.note);
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/agents",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Active colleagues (for @mentions in a note): id, username, display name, role",
          response: {
            200: z.object({ agents: z.array(mentionOut.extend({ role: z.string() })) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async () => ({ agents: await consoleService.colleagues() }),
    );

    app.put(
      "/api/agents/me/presence",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Set my status",
          body: z.object({ presence: z.enum(["online", "away", "offline"]) }),
          response: { 204: z.null(), ...errorResponses(400, 401) },
        },
      },
      async (request, reply) => {
        await consoleService.setPresence(request.principal!, request.body.presence);
        return reply.code(204).send(null);
      },
    );

    // Realtime for staff. Browsers cannot set headers on a WebSocket, so the token is a query
    // parameter; it is checked like a bearer token, and roles filter what is forwarded.
    app.get(
      "/api/agents/ws",
      {
        websocket: true,
        schema: { tags, summary: "Live events for the console (WebSocket); query: token", hide: false },
      },
      async (socket, request) => {
        const token = (request.query as { token?: string }).token;
        const principal = token ? await auth.authenticate(token) : undefined;
        if (!principal) {
          socket.close(4401, "UNAUTHENTICATED");
          return;
        }
        const send = (event: RealtimeEvent) => {
          if (socket.readyState === 1) socket.send(JSON.stringify(event));
        };
        const subscriptions = new Map<string, () => void>();
        const mayRelayTyping = typingLimiter();
        subscriptions.set(
          AGENTS_TOPIC,
          bus.subscribe(AGENTS_TOPIC, (e) => visibleTo(principal, e) && send(e)),
        );
        // Issue 18: what is for this staff member only (a colleague @mentioned them in a note).
        subscriptions.set(staffTopic(principal.agentId), bus.subscribe(staffTopic(principal.agentId), send));
        if (principal.role === "admin") subscriptions.set(ADMINS_TOPIC, bus.subscribe(ADMINS_TOPIC, send));
        // The account changed (password reset, role, groups, disabled): this connection was
        // authorised with the old one. Closed with 4409; the console reconnects and is asked to
        // log in again if its token no longer works (4401). After a Redis reconnect (BUS_GAP) such a
        // change may have been lost: every connection re-authorises the same way.
        subscriptions.set(
          STAFF_CHANGES_TOPIC,
          bus.subscribe(STAFF_CHANGES_TOPIC, (e) => {
            if ((e.type === BUS_GAP || e.agentId === principal.agentId) && socket.readyState === 1)
              socket.close(4409, "AGENT_CHANGED");
          }),
        );
        // Issue 23: early-warning alerts go to supervisors and admins only.
        if (principal.role === "supervisor" || principal.role === "admin")
          subscriptions.set(SUPERVISORS_TOPIC, bus.subscribe(SUPERVISORS_TOPIC, send));
        // An agent's watch lasts while the conversation stays in their scope: a queued conversation
        // another agent takes (or one transferred away) stops reaching them, and the console is told
        // with a FORBIDDEN error as for a refused watch. The access check is made when the watch
        // starts (after subscribing) and again only after a SCOPE_CHANGED event — published on the
        // conversation's own topic right after every write that may narrow its scope, so in order
        // before any later event of it — or a BUS_GAP; in between, events are relayed on the cached
        // decision (one query per event per watcher made the console bench p50 13.5 → 16.8 ms).
        const whileVisible = (conversationId: string, topic: string) => {
          let visible = false;
          let chain = Promise.resolve();
          const step = (event: RealtimeEvent | undefined) => {
            chain = chain
              .then(async () => {
                if (!subscriptions.has(topic)) return;
                const recheck = event === undefined || event.type === SCOPE_CHANGED || event.type === BUS_GAP;
                if (recheck || !visible) visible = await consoleService.mayView(principal, conversationId);
                if (visible) return recheck ? undefined : send(event);
                subscriptions.get(topic)?.();
                subscriptions.delete(topic);
                send({ type: "error", code: "FORBIDDEN", conversationId });
              })
              .catch(() => {
                visible = false;
              });
          };
          step(undefined);
          return step as (event: RealtimeEvent) => void;
        };
        // Supervisors and admins see every conversation: nothing to check, the markers are not relayed.
        const relay = (event: RealtimeEvent) => {
          if (event.type !== SCOPE_CHANGED && event.type !== BUS_GAP) send(event);
        };
        socket.on("message", async (raw) => {
          let msg: { type?: string; conversationId?: string };
          try {
            msg = JSON.parse(raw.toString()) as typeof msg;
          } catch {
            return send({ type: "error", message: "messages must be JSON" });
          }
          if (msg.type === "ping") return send({ type: "pong" });
          // Issue 18: "正在输入…" to the customer, from the agent who holds the conversation only
          // (rate-capped).
          if (msg.type === "typing" && typeof msg.conversationId === "string") {
            if (mayRelayTyping() && (await consoleService.holds(principal, msg.conversationId)))
              await bus.publish(consoleService.topic(msg.conversationId), {
                type: "typing",
                conversationId: msg.conversationId,
                from: "agent",
              });
            return;
          }
          // Issue 18: the holder has seen the customer's messages up to seq (已读 in the chat).
          if (msg.type === "read" && typeof msg.conversationId === "string") {
            const seq = (msg as { seq?: unknown }).seq;
            if (typeof seq === "string" && /^\d{1,18}$/.test(seq))
              await consoleService.markRead(principal, msg.conversationId, BigInt(seq)).catch(() => false);
            return;
          }
          if ((msg.type === "watch" || msg.type === "unwatch") && typeof msg.conversationId === "string") {
            const topic = consoleService.topic(msg.conversationId);
            if (msg.type === "unwatch") {
              subscriptions.get(topic)?.();
              subscriptions.delete(topic);
              return;
            }
            try {
              await consoleService.detail(principal, msg.conversationId); // access check
            } catch (err) {
              return send({
                type: "error",
                code: err instanceof AppError ? err.code : "INTERNAL",
                conversationId: msg.conversationId,
              });
            }
            // An agent's cached check is first read after this subscription is made (whileVisible
            // queues it): a write after that read is followed by its SCOPE_CHANGED on the subscription.
            if (!subscriptions.has(topic))
              subscriptions.set(
                topic,
                bus.subscribe(topic, principal.role === "agent" ? whileVisible(msg.conversationId, topic) : relay),
              );
            send({ type: "watching", conversationId: msg.conversationId });
          }
        });
        socket.on("close", () => {
          for (const off of subscriptions.values()) off();
        });
        send({
          type: "ready",
          agent: { id: principal.agentId, displayName: principal.displayName, role: principal.role },
        });
      },
    );
  };
