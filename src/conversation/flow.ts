import type { TurnContext } from "botbuilder";
import type { IntentName, NluResult } from "../../intents/index.js";

/**
 * A conversation flow (tracking, complaint intake, survey, handoff …). The router starts a
 * flow on one of its intents; while a flow is active (DialogState.flow), it sees the
 * customer's next message first and may decline it (a change of topic).
 */
export interface Flow {
  readonly name: string;
  /** Intents that start this flow. */
  readonly intents: readonly IntentName[];
  start(context: TurnContext, parsed: NluResult, text: string): Promise<void>;
  /** Handles a message while this flow is active; returns false to let the router treat it as new. */
  resume?(context: TurnContext, parsed: NluResult, text: string): Promise<boolean>;
  /**
   * Before the intent picks a flow: may take a message another intent would get (a question
   * worded like a complaint); returns true when it answered.
   */
  claim?(context: TurnContext, parsed: NluResult, text: string): Promise<boolean>;
  /** When no intent is confident: may still answer (returns true when it did). */
  fallback?(context: TurnContext, parsed: NluResult, text: string): Promise<boolean>;
}
