-- Issue 8: dashboard summary rollups (see schema.prisma, report rollups), an index-only path from a
-- ticket to its SLA clock states, and the triggers that mark changed days.

-- CreateTable
CREATE TABLE "ReportRollupDay" (
    "day" DATE NOT NULL,
    "shipments" INTEGER NOT NULL,
    "refreshedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReportRollupDay_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "ReportDirtyDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReportDirtyDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportTicketDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "assigneeId" UUID,
    "category" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "resolved" INTEGER NOT NULL,
    "within24h" INTEGER NOT NULL,
    "within48h" INTEGER NOT NULL,
    "firstTime" INTEGER NOT NULL,
    "frCount" INTEGER NOT NULL,
    "frSeconds" DOUBLE PRECISION NOT NULL,
    "resCount" INTEGER NOT NULL,
    "resSeconds" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ReportTicketDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportCategoryDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "resolved" INTEGER NOT NULL,
    "within24h" INTEGER NOT NULL,
    "within48h" INTEGER NOT NULL,
    "firstTime" INTEGER NOT NULL,
    "frCount" INTEGER NOT NULL,
    "frSeconds" DOUBLE PRECISION NOT NULL,
    "resCount" INTEGER NOT NULL,
    "resSeconds" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ReportCategoryDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportAgentDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "assigneeId" UUID,
    "total" INTEGER NOT NULL,
    "resolved" INTEGER NOT NULL,
    "within24h" INTEGER NOT NULL,
    "within48h" INTEGER NOT NULL,
    "firstTime" INTEGER NOT NULL,
    "frCount" INTEGER NOT NULL,
    "frSeconds" DOUBLE PRECISION NOT NULL,
    "resCount" INTEGER NOT NULL,
    "resSeconds" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ReportAgentDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportSlaDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "assigneeId" UUID,
    "kind" TEXT NOT NULL,
    "met" INTEGER NOT NULL,
    "breached" INTEGER NOT NULL,
    "running" INTEGER NOT NULL,
    "paused" INTEGER NOT NULL,

    CONSTRAINT "ReportSlaDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportSurveyDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "groupCode" TEXT,
    "agentId" UUID,
    "sent" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "satisfied" INTEGER NOT NULL,
    "basically" INTEGER NOT NULL,
    "dissatisfied" INTEGER NOT NULL,
    "rated" INTEGER NOT NULL,
    "starsN" INTEGER NOT NULL,
    "stars45" INTEGER NOT NULL,
    "ratingsN" INTEGER NOT NULL,
    "ratings45" INTEGER NOT NULL,
    "speedSum" INTEGER NOT NULL,
    "speedN" INTEGER NOT NULL,
    "effectSum" INTEGER NOT NULL,
    "effectN" INTEGER NOT NULL,
    "attitudeSum" INTEGER NOT NULL,
    "attitudeN" INTEGER NOT NULL,
    "npsN" INTEGER NOT NULL,
    "promoters" INTEGER NOT NULL,
    "detractors" INTEGER NOT NULL,
    "fcrN" INTEGER NOT NULL,
    "fcrYes" INTEGER NOT NULL,

    CONSTRAINT "ReportSurveyDay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportDirtyDay_day_idx" ON "ReportDirtyDay"("day");

-- CreateIndex
CREATE INDEX "ReportTicketDay_day_idx" ON "ReportTicketDay"("day");

-- CreateIndex
CREATE INDEX "ReportTicketDay_assigneeId_day_idx" ON "ReportTicketDay"("assigneeId", "day");

-- CreateIndex
CREATE INDEX "ReportCategoryDay_day_idx" ON "ReportCategoryDay"("day");

-- CreateIndex
CREATE INDEX "ReportAgentDay_day_idx" ON "ReportAgentDay"("day");

-- CreateIndex
CREATE INDEX "ReportSlaDay_day_idx" ON "ReportSlaDay"("day");

-- CreateIndex
CREATE INDEX "ReportSlaDay_assigneeId_day_idx" ON "ReportSlaDay"("assigneeId", "day");

-- CreateIndex
CREATE INDEX "ReportSurveyDay_day_idx" ON "ReportSurveyDay"("day");

-- CreateIndex
CREATE INDEX "ReportSurveyDay_agentId_day_idx" ON "ReportSurveyDay"("agentId", "day");


-- CreateIndex
CREATE INDEX "SlaClock_ticketId_kind_state_idx" ON "SlaClock"("ticketId", "kind", "state");


-- Dirty-day marks (not expressible in schema.prisma). A change to a ticket, SLA clock, survey or
-- shipment of a day at least two days old (China time, by the writer's transaction clock) appends
-- that day to "ReportDirtyDay" in the same transaction; the summary computes marked days live and
-- the rollup job recomputes them. Append-only (no unique key), so writers never wait on each other.
CREATE FUNCTION "report_mark_day"(d DATE) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF d IS NOT NULL AND d < ((now() AT TIME ZONE 'UTC') + interval '8 hours')::date - 1 THEN
    INSERT INTO "ReportDirtyDay" ("day") VALUES (d);
  END IF;
END $$;

CREATE FUNCTION "report_mark_ticket"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM "report_mark_day"((NEW."createdAt" + interval '8 hours')::date); END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD."createdAt" IS DISTINCT FROM NEW."createdAt") THEN
    PERFORM "report_mark_day"((OLD."createdAt" + interval '8 hours')::date);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "report_mark_clock"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    PERFORM "report_mark_day"((SELECT (t."createdAt" + interval '8 hours')::date FROM "Ticket" t WHERE t.id = NEW."ticketId"));
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD."ticketId" IS DISTINCT FROM NEW."ticketId") THEN
    PERFORM "report_mark_day"((SELECT (t."createdAt" + interval '8 hours')::date FROM "Ticket" t WHERE t.id = OLD."ticketId"));
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "report_mark_survey"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM "report_mark_day"((NEW."sentAt" + interval '8 hours')::date); END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD."sentAt" IS DISTINCT FROM NEW."sentAt") THEN
    PERFORM "report_mark_day"((OLD."sentAt" + interval '8 hours')::date);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "report_mark_shipment"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM "report_mark_day"((NEW."createdAt" + interval '8 hours')::date); END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM "report_mark_day"((OLD."createdAt" + interval '8 hours')::date); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "report_mark_ticket" AFTER INSERT OR DELETE ON "Ticket"
  FOR EACH ROW EXECUTE FUNCTION "report_mark_ticket"();
CREATE TRIGGER "report_mark_ticket_update" AFTER UPDATE ON "Ticket"
  FOR EACH ROW WHEN (
    OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD.category IS DISTINCT FROM NEW.category
    OR OLD."groupCode" IS DISTINCT FROM NEW."groupCode" OR OLD."assigneeId" IS DISTINCT FROM NEW."assigneeId"
    OR OLD."resolvedAt" IS DISTINCT FROM NEW."resolvedAt" OR OLD."firstResponseAt" IS DISTINCT FROM NEW."firstResponseAt"
    OR OLD."reopenedCount" IS DISTINCT FROM NEW."reopenedCount")
  EXECUTE FUNCTION "report_mark_ticket"();

CREATE TRIGGER "report_mark_clock" AFTER INSERT OR DELETE ON "SlaClock"
  FOR EACH ROW EXECUTE FUNCTION "report_mark_clock"();
CREATE TRIGGER "report_mark_clock_update" AFTER UPDATE ON "SlaClock"
  FOR EACH ROW WHEN (
    OLD.state IS DISTINCT FROM NEW.state OR OLD.kind IS DISTINCT FROM NEW.kind
    OR OLD."ticketId" IS DISTINCT FROM NEW."ticketId")
  EXECUTE FUNCTION "report_mark_clock"();

CREATE TRIGGER "report_mark_survey" AFTER INSERT OR DELETE ON "Survey"
  FOR EACH ROW EXECUTE FUNCTION "report_mark_survey"();
CREATE TRIGGER "report_mark_survey_update" AFTER UPDATE ON "Survey"
  FOR EACH ROW WHEN (
    OLD."sentAt" IS DISTINCT FROM NEW."sentAt" OR OLD."answeredAt" IS DISTINCT FROM NEW."answeredAt"
    OR OLD.overall IS DISTINCT FROM NEW.overall OR OLD.stars IS DISTINCT FROM NEW.stars OR OLD.fcr IS DISTINCT FROM NEW.fcr
    OR OLD.speed IS DISTINCT FROM NEW.speed OR OLD.effect IS DISTINCT FROM NEW.effect
    OR OLD.attitude IS DISTINCT FROM NEW.attitude OR OLD.nps IS DISTINCT FROM NEW.nps
    OR OLD."groupCode" IS DISTINCT FROM NEW."groupCode" OR OLD."agentId" IS DISTINCT FROM NEW."agentId")
  EXECUTE FUNCTION "report_mark_survey"();

CREATE TRIGGER "report_mark_shipment" AFTER INSERT OR DELETE ON "Shipment"
  FOR EACH ROW EXECUTE FUNCTION "report_mark_shipment"();
CREATE TRIGGER "report_mark_shipment_update" AFTER UPDATE OF "createdAt" ON "Shipment"
  FOR EACH ROW WHEN (OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
  EXECUTE FUNCTION "report_mark_shipment"();

-- TRUNCATE fires no row trigger: forget every rolled-up day so all of them are computed live again.
CREATE FUNCTION "report_forget_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "ReportRollupDay";
  RETURN NULL;
END $$;
CREATE TRIGGER "report_forget_ticket" AFTER TRUNCATE ON "Ticket" FOR EACH STATEMENT EXECUTE FUNCTION "report_forget_rollup"();
CREATE TRIGGER "report_forget_clock" AFTER TRUNCATE ON "SlaClock" FOR EACH STATEMENT EXECUTE FUNCTION "report_forget_rollup"();
CREATE TRIGGER "report_forget_survey" AFTER TRUNCATE ON "Survey" FOR EACH STATEMENT EXECUTE FUNCTION "report_forget_rollup"();
CREATE TRIGGER "report_forget_shipment" AFTER TRUNCATE ON "Shipment" FOR EACH STATEMENT EXECUTE FUNCTION "report_forget_rollup"();
