-- CreateTable
CREATE TABLE "ReportPlaceMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "provinceCode" TEXT,
    "cityCode" TEXT,
    "stage" TEXT,
    "total" INTEGER NOT NULL,
    "repeats" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReportPlaceMonth_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportOutletMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "outletCode" TEXT,
    "total" INTEGER NOT NULL,
    "quality" INTEGER NOT NULL,
    "nonQuality" INTEGER NOT NULL,

    CONSTRAINT "ReportOutletMonth_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportPlaceMonth_month_idx" ON "ReportPlaceMonth"("month");

-- CreateIndex
CREATE INDEX "ReportOutletMonth_month_idx" ON "ReportOutletMonth"("month");

-- CreateIndex
CREATE INDEX "ReportPlaceDay_assigneeId_day_idx" ON "ReportPlaceDay"("assigneeId", "day");

-- CreateIndex
CREATE INDEX "ReportOutletDay_assigneeId_day_idx" ON "ReportOutletDay"("assigneeId", "day");

-- The months rolled up before these tables: summed from their days (a month is always the sum of
-- its day rows; the summary reads it only when every day of it is rolled up and clean).
INSERT INTO "ReportPlaceMonth" ("month", "groupCode", "provinceCode", "cityCode", "stage", "total", "repeats")
SELECT date_trunc('month', "day")::date, "groupCode", "provinceCode", "cityCode", "stage", sum("total")::int, sum("repeats")::int
FROM "ReportPlaceDay" GROUP BY 1, 2, 3, 4, 5;
INSERT INTO "ReportOutletMonth" ("month", "groupCode", "outletCode", "total", "quality", "nonQuality")
SELECT date_trunc('month', "day")::date, "groupCode", "outletCode", sum("total")::int, sum("quality")::int, sum("nonQuality")::int
FROM "ReportOutletDay" GROUP BY 1, 2, 3;
