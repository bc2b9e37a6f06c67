import type { Db } from "../db/client.js";
import type { Role } from "./auth.service.js";

/** Who is looking: an agent's id, role and groups (a Principal or a ticket Actor). */
export interface ScopeViewer {
  id: string;
  role: Role;
  groups: readonly string[];
}

/** The fields of a conversation the rule reads. */
export interface ScopedConversation {
  id: string;
  /** bot | queued | agent | closed */
  mode: string;
  agentId: string | null;
}

/**
 * Object-level scope of a conversation (README Security), the same rule as tickets': the `agent`
 * role sees the shared handoff queue and its own conversations; a conversation the bot holds (or
 * a closed one) only through a ticket of it in one of the agent's groups or assigned to the agent;
 * another agent's live conversation never (首问负责制, shared/domain.md). Supervisors and admins see
 * every conversation. One indexed lookup (Ticket.conversationId) at most.
 */
export async function mayViewConversation(db: Db, viewer: ScopeViewer, conv: ScopedConversation): Promise<boolean> {
  if (viewer.role !== "agent") return true;
  if (conv.mode === "queued" || conv.agentId === viewer.id) return true;
  if (conv.mode === "agent") return false;
  const ticket = await db.ticket.findFirst({
    where: { conversationId: conv.id, OR: [{ groupCode: { in: [...viewer.groups] } }, { assigneeId: viewer.id }] },
    select: { id: true },
  });
  return ticket !== null;
}
