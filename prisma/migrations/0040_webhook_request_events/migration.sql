-- Issue 21: the events of the capabilities that landed since 0030 — `request.created` and
-- `request.completed` for service requests (issue 15: 催件, 改地址/改派, 预约取件, 派送偏好, 理赔;
-- tickets whose type is not complaint, beside their ticket.* events) and `suggestion.received`
-- (a customer's 建议, stored as Feedback). Written in the same transaction as the change, as in 0030.

-- As in 0032, plus the request events.
CREATE OR REPLACE FUNCTION "webhook_on_ticket_event"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ev TEXT;
  ticket JSONB;
  at_text TEXT;
  rq TEXT;
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
  rq := CASE NEW.type WHEN 'created' THEN 'request.created' WHEN 'completed' THEN 'request.completed' ELSE NULL END;
  IF ev IS NULL OR NOT EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s.enabled
      AND (ev = ANY (s.events) OR (NEW.type = 'resolved' AND 'integration.outcome' = ANY (s.events))
        OR (rq IS NOT NULL AND rq = ANY (s.events)))) THEN
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
  -- A service request (催件, 改地址, 取件, 派送偏好, 理赔): its own events beside the ticket's.
  IF rq IS NOT NULL AND ticket->>'type' IS DISTINCT FROM 'complaint' THEN
    PERFORM "webhook_enqueue"(rq, 'te-' || NEW.id::text || '-request', 'ticket:' || (ticket->>'number'),
      jsonb_build_object('id', 'te-' || NEW.id::text || '-request', 'event', rq, 'change', NEW.type,
        'at', at_text,
        'actor', jsonb_build_object('type', NEW."actorType", 'id', NEW."actorId"),
        'request', ticket, 'data', COALESCE(NEW.data, '{}'::jsonb)));
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "webhook_on_suggestion"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s.enabled AND 'suggestion.received' = ANY (s.events)) THEN
    RETURN NULL;
  END IF;
  PERFORM "webhook_enqueue"('suggestion.received', 'fb-' || NEW.id::text, 'suggestion:' || NEW.id::text,
    jsonb_build_object('id', 'fb-' || NEW.id::text, 'event', 'suggestion.received',
      'at', to_char(NEW."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'suggestion', jsonb_build_object('id', NEW.id, 'text', NEW.text, 'tags', to_jsonb(NEW.tags),
        'channel', NEW.channel, 'locale', NEW.locale, 'conversationId', NEW."conversationId")));
  RETURN NULL;
END $$;
CREATE TRIGGER "webhook_on_suggestion" AFTER INSERT ON "Feedback"
  FOR EACH ROW WHEN (NEW.type = 'suggestion')
  EXECUTE FUNCTION "webhook_on_suggestion"();
