-- CreateTable
CREATE TABLE "ReportPlaceDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "assigneeId" UUID,
    "provinceCode" TEXT,
    "cityCode" TEXT,
    "stage" TEXT,
    "total" INTEGER NOT NULL,

    CONSTRAINT "ReportPlaceDay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportPlaceDay_day_idx" ON "ReportPlaceDay"("day");

-- Days rolled up before this table existed have no rows in it: mark them dirty, so the summary
-- computes them live until the rollup job has recomputed them (src/reports/report.rollup.ts).
INSERT INTO "ReportDirtyDay" ("day") SELECT "day" FROM "ReportRollupDay";

-- A ticket's place and stage (issue 23) are figures now, and so is its type: a request converted
-- into a complaint (issue 15) starts counting as one. Either change marks the ticket's day dirty.
DROP TRIGGER "report_mark_ticket_update" ON "Ticket";
CREATE TRIGGER "report_mark_ticket_update" AFTER UPDATE ON "Ticket"
  FOR EACH ROW WHEN (
    OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD.category IS DISTINCT FROM NEW.category
    OR OLD."groupCode" IS DISTINCT FROM NEW."groupCode" OR OLD."assigneeId" IS DISTINCT FROM NEW."assigneeId"
    OR OLD."resolvedAt" IS DISTINCT FROM NEW."resolvedAt" OR OLD."firstResponseAt" IS DISTINCT FROM NEW."firstResponseAt"
    OR OLD."reopenedCount" IS DISTINCT FROM NEW."reopenedCount" OR OLD.type IS DISTINCT FROM NEW.type
    OR OLD."provinceCode" IS DISTINCT FROM NEW."provinceCode" OR OLD."cityCode" IS DISTINCT FROM NEW."cityCode"
    OR OLD.stage IS DISTINCT FROM NEW.stage)
  EXECUTE FUNCTION "report_mark_ticket"();
