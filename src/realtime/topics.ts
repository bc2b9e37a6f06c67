/** Event-bus topics. */
export const conversationTopic = (conversationId: string) => `conversation:${conversationId}`;
/** Everything agents' consoles need to see (handoffs, new tickets, SLA warnings). */
export const AGENTS_TOPIC = "agents";
export const ADMINS_TOPIC = "admins";
/** Issue 23: what supervisors and admins are pushed (early-warning alerts). */
export const SUPERVISORS_TOPIC = "supervisors";
