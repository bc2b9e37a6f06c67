-- Issue 21: outbound webhooks. Admins subscribe URLs to events; every event becomes one delivery
-- row per matching subscription IN THE SAME TRANSACTION as the change that caused it (triggers on
-- TicketEvent, Survey and Conversation), so nothing is lost on a crash between commit and
-- delivery. The dispatcher (src/integrations/webhook.dispatcher.ts) delivers them signed, with
-- backoff, in order per subject (a ticket or a conversation), dead-lettering after N attempts.

CREATE TABLE "WebhookSubscription" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    "secret" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "description" TEXT NOT NULL DEFAULT '',
    "disabledReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WebhookSubscription_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "WebhookDelivery" (
    "id" BIGSERIAL NOT NULL,
    "subscriptionId" UUID NOT NULL,
    "eventId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "latencyMs" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),
    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "WebhookDelivery_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "WebhookSubscription"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "WebhookDelivery_subscriptionId_eventId_key" ON "WebhookDelivery"("subscriptionId", "eventId");
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");
CREATE INDEX "WebhookDelivery_subscriptionId_subject_id_idx" ON "WebhookDelivery"("subscriptionId", "subject", "id");
CREATE INDEX "WebhookDelivery_subscriptionId_id_idx" ON "WebhookDelivery"("subscriptionId", "id");

-- One delivery per enabled subscription that wants `event`.
CREATE FUNCTION "webhook_enqueue"(event TEXT, event_id TEXT, subject TEXT, payload JSONB) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "WebhookDelivery" ("subscriptionId", "eventId", "event", "subject", "payload")
  SELECT s.id, event_id, event, subject, payload
  FROM "WebhookSubscription" s
  WHERE s.enabled AND event = ANY (s.events)
  ON CONFLICT ("subscriptionId", "eventId") DO NOTHING;
END $$;

-- The ticket as a receiver sees it at the moment of the event.
CREATE FUNCTION "webhook_ticket_json"(ticket_id UUID) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'number', t.number, 'type', t.type, 'status', t.status, 'category', t.category,
    'priority', t.priority, 'groupCode', t."groupCode", 'assigneeId', t."assigneeId",
    'channel', t.channel, 'waybill', t.waybill, 'outcome', t.outcome,
    'createdAt', to_char(t."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'resolvedAt', to_char(t."resolvedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
  FROM "Ticket" t WHERE t.id = ticket_id
$$;

CREATE FUNCTION "webhook_on_ticket_event"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ev TEXT;
  ticket JSONB;
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
  IF ev IS NULL OR NOT EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s.enabled AND ev = ANY (s.events)) THEN
    RETURN NULL;
  END IF;
  ticket := "webhook_ticket_json"(NEW."ticketId");
  PERFORM "webhook_enqueue"(ev, 'te-' || NEW.id::text, 'ticket:' || (ticket->>'number'),
    jsonb_build_object('id', 'te-' || NEW.id::text, 'event', ev, 'change', NEW.type,
      'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'actor', jsonb_build_object('type', NEW."actorType", 'id', NEW."actorId"),
      'ticket', ticket, 'data', COALESCE(NEW.data, '{}'::jsonb)));
  RETURN NULL;
END $$;
CREATE TRIGGER "webhook_on_ticket_event" AFTER INSERT ON "TicketEvent"
  FOR EACH ROW EXECUTE FUNCTION "webhook_on_ticket_event"();

CREATE FUNCTION "webhook_on_survey_answered"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ticket JSONB;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s.enabled AND 'survey.answered' = ANY (s.events)) THEN
    RETURN NULL;
  END IF;
  ticket := "webhook_ticket_json"(NEW."ticketId");
  PERFORM "webhook_enqueue"('survey.answered', 'sv-' || NEW.id::text, 'ticket:' || (ticket->>'number'),
    jsonb_build_object('id', 'sv-' || NEW.id::text, 'event', 'survey.answered',
      'at', to_char(COALESCE(NEW."answeredAt", now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'ticket', ticket,
      'answers', jsonb_build_object('overall', NEW.overall, 'stars', NEW.stars, 'fcr', NEW.fcr,
        'whatWentWrong', NEW."whatWentWrong", 'speed', NEW.speed, 'effect', NEW.effect,
        'attitude', NEW.attitude, 'nps', NEW.nps, 'comment', NEW.comment),
      'agentId', NEW."agentId", 'groupCode', NEW."groupCode"));
  RETURN NULL;
END $$;
CREATE TRIGGER "webhook_on_survey_answered" AFTER UPDATE OF status ON "Survey"
  FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed')
  EXECUTE FUNCTION "webhook_on_survey_answered"();

CREATE FUNCTION "webhook_on_handoff"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s.enabled AND 'conversation.handed_off' = ANY (s.events)) THEN
    RETURN NULL;
  END IF;
  PERFORM "webhook_enqueue"('conversation.handed_off',
    'cv-' || NEW.id::text || '-' || (EXTRACT(EPOCH FROM COALESCE(NEW."queuedAt", now())) * 1000)::bigint::text,
    'conversation:' || NEW.id::text,
    jsonb_build_object('id', 'cv-' || NEW.id::text || '-' || (EXTRACT(EPOCH FROM COALESCE(NEW."queuedAt", now())) * 1000)::bigint::text,
      'event', 'conversation.handed_off',
      'at', to_char(COALESCE(NEW."queuedAt", now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'conversation', jsonb_build_object('id', NEW.id, 'channel', NEW.channel, 'locale', NEW.locale,
        'reason', NEW."handoffReason", 'lastIntent', NEW."lastIntent", 'lastCategory', NEW."lastCategory")));
  RETURN NULL;
END $$;
CREATE TRIGGER "webhook_on_handoff" AFTER UPDATE OF mode ON "Conversation"
  FOR EACH ROW WHEN (NEW.mode = 'queued' AND OLD.mode IS DISTINCT FROM 'queued')
  EXECUTE FUNCTION "webhook_on_handoff"();
