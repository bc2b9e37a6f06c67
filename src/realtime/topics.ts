/** Event-bus topics. */
export const conversationTopic = (conversationId: string) => `conversation:${conversationId}`;
/** Everything agents' consoles need to see (handoffs, new tickets, SLA warnings). */
export const AGENTS_TOPIC = "agents";
export const ADMINS_TOPIC = "admins";
/** Issue 23: what supervisors and admins are pushed (early-warning alerts). */
export const SUPERVISORS_TOPIC = "supervisors";
/**
 * Staff accounts that changed (password reset, role, groups, disabled): every instance forgets
 * the cached principals and closes the agent's live connections. Event: { type: "agent.changed", agentId }.
 */
export const STAFF_CHANGES_TOPIC = "staff.changes";
/** Issue 18: what is for one staff member only (an @mention in a note). Event: { type: "mention", … }. */
export const staffTopic = (agentId: string) => `staff:${agentId}`;
/**
 * Published on a conversation's topic right after a write that may narrow who may see it (its
 * mode or holder, a ticket of it changing group or assignee), before any later event of that
 * conversation: an agent's watch caches its access check until it reads this. Never forwarded.
 * Event: { type: "scope.changed", conversationId }.
 */
export const SCOPE_CHANGED = "scope.changed";
/**
 * Emitted locally by a bus on every topic it listens to when it may have missed events (a Redis
 * reconnect drops pub/sub messages): whatever was cached from earlier events is to be re-read.
 */
export const BUS_GAP = "bus.gap";
