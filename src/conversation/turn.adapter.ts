import {
  type Activity,
  ActivityTypes,
  BotAdapter,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from "botbuilder";

/** Where a turn's outgoing activities are collected; the runtime writes them to the outbox. */
export const OUTGOING = Symbol("outgoing");

/**
 * botbuilder adapter for our own channels: a turn's replies are collected, not sent, so the
 * runtime can store them and the dialog state in one transaction and hand them to the
 * outbox (architecture.md). Any channel's InboundMessage becomes an Activity here.
 */
export class TurnAdapter extends BotAdapter {
  async processTurn(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<Partial<Activity>[]> {
    const context = new TurnContext(this, activity);
    const outgoing: Partial<Activity>[] = [];
    context.turnState.set(OUTGOING, outgoing);
    await this.runMiddleware(context, logic);
    return outgoing;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outgoing = context.turnState.get(OUTGOING) as Partial<Activity>[];
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === ActivityTypes.Message || activity.type === undefined) outgoing.push(activity);
      responses.push({ id: `${outgoing.length}` });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error("TurnAdapter: messages cannot be edited once sent");
  }

  async deleteActivity(): Promise<void> {
    throw new Error("TurnAdapter: messages cannot be deleted once sent");
  }

  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: "continue" },
      reference,
      true,
    );
    await this.processTurn(activity, logic);
  }
}
