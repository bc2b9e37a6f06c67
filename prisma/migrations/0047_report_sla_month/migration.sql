-- CreateTable
CREATE TABLE "ReportSlaMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "met" INTEGER NOT NULL,
    "breached" INTEGER NOT NULL,
    "running" INTEGER NOT NULL,
    "paused" INTEGER NOT NULL,

    CONSTRAINT "ReportSlaMonth_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportSlaMonth_month_idx" ON "ReportSlaMonth"("month");

-- The months rolled up before this table: summed from their days (a month is always the sum of its
-- day rows; the summary reads it only when every day of it is rolled up and clean).
INSERT INTO "ReportSlaMonth" ("month", "groupCode", "kind", "met", "breached", "running", "paused")
SELECT date_trunc('month', "day")::date, "groupCode", "kind", sum("met")::int, sum("breached")::int,
  sum("running")::int, sum("paused")::int
FROM "ReportSlaDay" GROUP BY 1, 2, 3;
