import type { EventBus } from "./event-bus.js";
import { conversationTopic, SCOPE_CHANGED } from "./topics.js";

/**
 * Tells the conversation's watchers that who may see it can have changed (see SCOPE_CHANGED).
 * Call it right after the write is committed and before anything else is published on the
 * conversation, so that no later event of it is relayed on an access check made before the write.
 */
export function publishScopeChanged(bus: EventBus, conversationId: string): Promise<void> {
  return bus.publish(conversationTopic(conversationId), { type: SCOPE_CHANGED, conversationId });
}
