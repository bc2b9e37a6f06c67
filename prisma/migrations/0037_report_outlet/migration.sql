-- CreateTable
CREATE TABLE "ReportOutletDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "assigneeId" UUID,
    "outletCode" TEXT,
    "total" INTEGER NOT NULL,
    "quality" INTEGER NOT NULL,
    "nonQuality" INTEGER NOT NULL,

    CONSTRAINT "ReportOutletDay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportOutletDay_day_idx" ON "ReportOutletDay"("day");


-- Days rolled up before this table have no outlet rows: mark them dirty so they are recomputed.
INSERT INTO "ReportDirtyDay" ("day") SELECT "day" FROM "ReportRollupDay";

-- A ticket's outlet and root cause (issue 23) are figures now: either change marks its day dirty.
DROP TRIGGER "report_mark_ticket_update" ON "Ticket";
CREATE TRIGGER "report_mark_ticket_update" AFTER UPDATE ON "Ticket"
  FOR EACH ROW WHEN (
    OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD.category IS DISTINCT FROM NEW.category
    OR OLD."groupCode" IS DISTINCT FROM NEW."groupCode" OR OLD."assigneeId" IS DISTINCT FROM NEW."assigneeId"
    OR OLD."resolvedAt" IS DISTINCT FROM NEW."resolvedAt" OR OLD."firstResponseAt" IS DISTINCT FROM NEW."firstResponseAt"
    OR OLD."reopenedCount" IS DISTINCT FROM NEW."reopenedCount" OR OLD.type IS DISTINCT FROM NEW.type
    OR OLD."provinceCode" IS DISTINCT FROM NEW."provinceCode" OR OLD."cityCode" IS DISTINCT FROM NEW."cityCode"
    OR OLD.stage IS DISTINCT FROM NEW.stage
    OR OLD."outletCode" IS DISTINCT FROM NEW."outletCode" OR OLD."rootCause" IS DISTINCT FROM NEW."rootCause")
  EXECUTE FUNCTION "report_mark_ticket"();
