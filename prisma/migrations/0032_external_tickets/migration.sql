-- Issue 21: complaints other systems hand over (POST /api/integrations/tickets). `source` says who
-- (spb12305: transferred by the postal regulator, 12305 申诉; ecommerce: a marketplace's after-sales
-- complaint), (source, externalId) makes the call idempotent, `externalRef` and `externalDeadline`
-- are the caller's reference and deadline. Own channels and agents leave them null.
ALTER TABLE "Ticket" ADD COLUMN "externalDeadline" TIMESTAMP(3),
ADD COLUMN "externalId" TEXT,
ADD COLUMN "externalRef" TEXT,
ADD COLUMN "source" TEXT;

CREATE INDEX "Ticket_source_createdAt_idx" ON "Ticket"("source", "createdAt");
CREATE UNIQUE INDEX "Ticket_source_externalId_key" ON "Ticket"("source", "externalId");

-- The ticket as a receiver sees it now also says where it came from.
CREATE OR REPLACE FUNCTION "webhook_ticket_json"(ticket_id UUID) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'number', t.number, 'type', t.type, 'status', t.status, 'category', t.category,
    'priority', t.priority, 'groupCode', t."groupCode", 'assigneeId', t."assigneeId",
    'channel', t.channel, 'waybill', t.waybill, 'outcome', t.outcome,
    'createdAt', to_char(t."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'resolvedAt', to_char(t."resolvedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'source', t.source, 'externalId', t."externalId", 'externalRef', t."externalRef",
    'externalDeadline', to_char(t."externalDeadline" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
  FROM "Ticket" t WHERE t.id = ticket_id
$$;

-- As in 0030, plus `integration.outcome`: when a ticket another system handed over is resolved,
-- that system hears the result (resolution, root cause) with its own externalId and reference,
-- in the same transaction as the resolution.
CREATE OR REPLACE FUNCTION "webhook_on_ticket_event"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ev TEXT;
  ticket JSONB;
  at_text TEXT;
BEGIN
  ev := CASE NEW.type
    WHEN 'created' THEN 'ticket.created'
    WHEN 'taken' THEN 'ticket.assigned'
    WHEN 'transferred' THEN 'ticket.assigned'
    WHEN 'resolved' THEN 'ticket.resolved'
    WHEN 'reopened' THEN 'ticket.reopened'
    WHEN 'sla.warning' THEN 'sla.warning'
    WHEN 'sla.breached' THEN 'sla.breached'
    WHEN 'pending_customer' THEN 'ticket.status_changed'
    WHEN 'customer_replied' THEN 'ticket.status_changed'
    WHEN 'closed' THEN 'ticket.status_changed'
    WHEN 'cancelled' THEN 'ticket.status_changed'
    WHEN 'completed' THEN 'ticket.status_changed'
    WHEN 'rejected' THEN 'ticket.status_changed'
    WHEN 'converted' THEN 'ticket.status_changed'
    ELSE NULL END;
  IF ev IS NULL OR NOT EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s.enabled
      AND (ev = ANY (s.events) OR (NEW.type = 'resolved' AND 'integration.outcome' = ANY (s.events)))) THEN
    RETURN NULL;
  END IF;
  ticket := "webhook_ticket_json"(NEW."ticketId");
  at_text := to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  PERFORM "webhook_enqueue"(ev, 'te-' || NEW.id::text, 'ticket:' || (ticket->>'number'),
    jsonb_build_object('id', 'te-' || NEW.id::text, 'event', ev, 'change', NEW.type,
      'at', at_text,
      'actor', jsonb_build_object('type', NEW."actorType", 'id', NEW."actorId"),
      'ticket', ticket, 'data', COALESCE(NEW.data, '{}'::jsonb)));
  IF NEW.type = 'resolved' AND ticket->>'source' IS NOT NULL THEN
    PERFORM "webhook_enqueue"('integration.outcome', 'te-' || NEW.id::text || '-outcome', 'ticket:' || (ticket->>'number'),
      jsonb_build_object('id', 'te-' || NEW.id::text || '-outcome', 'event', 'integration.outcome',
        'at', at_text,
        'source', ticket->'source', 'externalId', ticket->'externalId', 'externalRef', ticket->'externalRef',
        'outcome', jsonb_build_object('resolution', NEW.data->'resolution', 'rootCause', NEW.data->'rootCause',
          'resolvedAt', at_text),
        'ticket', ticket));
  END IF;
  RETURN NULL;
END $$;
