-- CreateTable
CREATE TABLE "ReportAgentCityMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "assigneeId" UUID,
    "provinceCode" TEXT,
    "cityCode" TEXT,
    "total" INTEGER NOT NULL,
    "repeats" INTEGER NOT NULL,

    CONSTRAINT "ReportAgentCityMonth_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportAgentStageMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "assigneeId" UUID,
    "stage" TEXT,
    "total" INTEGER NOT NULL,
    "repeats" INTEGER NOT NULL,

    CONSTRAINT "ReportAgentStageMonth_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportAgentCityMonth_month_idx" ON "ReportAgentCityMonth"("month");

-- CreateIndex
CREATE INDEX "ReportAgentCityMonth_assigneeId_month_idx" ON "ReportAgentCityMonth"("assigneeId", "month");

-- CreateIndex
CREATE INDEX "ReportAgentStageMonth_month_idx" ON "ReportAgentStageMonth"("month");

-- CreateIndex
CREATE INDEX "ReportAgentStageMonth_assigneeId_month_idx" ON "ReportAgentStageMonth"("assigneeId", "month");

-- The months rolled up before these tables: summed from their days (a month is always the sum of
-- its day rows; the summary reads it only when every day of it is rolled up, less its other days).
INSERT INTO "ReportAgentCityMonth" ("month", "groupCode", "assigneeId", "provinceCode", "cityCode", "total", "repeats")
SELECT date_trunc('month', "day")::date, "groupCode", "assigneeId", "provinceCode", "cityCode", sum("total")::int,
  sum("repeats")::int
FROM "ReportPlaceDay" GROUP BY 1, 2, 3, 4, 5;
INSERT INTO "ReportAgentStageMonth" ("month", "groupCode", "assigneeId", "stage", "total", "repeats")
SELECT date_trunc('month', "day")::date, "groupCode", "assigneeId", "stage", sum("total")::int, sum("repeats")::int
FROM "ReportPlaceDay" GROUP BY 1, 2, 3, 4;
