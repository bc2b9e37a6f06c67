-- Issue 21: the legacy SLA webhook (SLA_WEBHOOK_URL) joins the subscription system. At start-up
-- the app keeps one subscription with format 'sla_legacy' in step with SLA_WEBHOOK_URL and
-- SLA_WEBHOOK_SECRET (sla.warning, sla.breached); the dispatcher sends it the payload the legacy
-- webhook always sent ({ id, type, at, ticket, clock }), so existing receivers keep working, with
-- the subscription system's durability, order, retries, log and replay. Other subscriptions are
-- 'standard'. At most one 'sla_legacy' row, even when several instances start at once.
ALTER TABLE "WebhookSubscription" ADD COLUMN "format" TEXT NOT NULL DEFAULT 'standard';
CREATE UNIQUE INDEX "WebhookSubscription_sla_legacy_key" ON "WebhookSubscription"("format") WHERE "format" = 'sla_legacy';
