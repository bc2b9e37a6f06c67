/**
 * The events a webhook can subscribe to (issue 21). Each becomes a delivery in the transaction of
 * the change that caused it (triggers, migration 0030): ticket events from TicketEvent rows, the
 * survey answer from Survey, the handoff from Conversation. `webhook.test` is sent only by the
 * admin's test button.
 *
 * Payload (JSON, UTF-8): `{ id, event, at (ISO 8601 UTC), … }` plus, by event:
 * ticket.* and sla.*: `change` (the ticket event's own type: taken, transferred, pending_customer …),
 * `actor { type, id }`, `ticket { number, type, status, category, priority, groupCode, assigneeId,
 * channel, waybill, outcome, createdAt, resolvedAt }`, `data` (the event's details: from/to
 * status, clock kind and due time …); survey.answered: `ticket`, `answers { overall, stars, fcr,
 * whatWentWrong, speed, effect, attitude, nps, comment }`, `agentId`, `groupCode`;
 * conversation.handed_off: `conversation { id, channel, locale, reason, lastIntent, lastCategory }`;
 * integration.outcome (migration 0032): when a ticket another system handed over
 * (POST /api/integrations/tickets) is resolved, `source`, `externalId`, `externalRef`,
 * `outcome { resolution, rootCause, resolvedAt }` and `ticket`, so that system hears the result.
 * `ticket` also carries `source`, `externalId`, `externalRef`, `externalDeadline` (null for own tickets).
 * request.created / request.completed (migration 0040): a service request (催件, 改地址, 取件,
 * 派送偏好, 理赔; a ticket whose type is not complaint) was opened or completed, beside its ticket.*
 * event: `change`, `actor`, `request` (the ticket's shape) and `data`; suggestion.received: a
 * customer's 建议, `suggestion { id, text, tags, channel, locale, conversationId }`.
 */
export const WEBHOOK_EVENTS = [
  "ticket.created",
  "ticket.assigned",
  "ticket.status_changed",
  "ticket.resolved",
  "ticket.reopened",
  "sla.warning",
  "sla.breached",
  "survey.answered",
  "conversation.handed_off",
  "integration.outcome",
  "request.created",
  "request.completed",
  "suggestion.received",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
