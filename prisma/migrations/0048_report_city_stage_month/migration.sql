-- CreateTable
CREATE TABLE "ReportCityMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "provinceCode" TEXT,
    "cityCode" TEXT,
    "total" INTEGER NOT NULL,
    "repeats" INTEGER NOT NULL,

    CONSTRAINT "ReportCityMonth_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportStageMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
    "groupCode" TEXT NOT NULL,
    "stage" TEXT,
    "total" INTEGER NOT NULL,
    "repeats" INTEGER NOT NULL,

    CONSTRAINT "ReportStageMonth_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportCityMonth_month_idx" ON "ReportCityMonth"("month");

-- CreateIndex
CREATE INDEX "ReportStageMonth_month_idx" ON "ReportStageMonth"("month");


-- The months rolled up before these tables: the month sums of ReportPlaceMonth (each a month's
-- day rows summed) summed again per city and per stage.
INSERT INTO "ReportCityMonth" ("month", "groupCode", "provinceCode", "cityCode", "total", "repeats")
SELECT "month", "groupCode", "provinceCode", "cityCode", sum("total")::int, sum("repeats")::int
FROM "ReportPlaceMonth" GROUP BY 1, 2, 3, 4;
INSERT INTO "ReportStageMonth" ("month", "groupCode", "stage", "total", "repeats")
SELECT "month", "groupCode", "stage", sum("total")::int, sum("repeats")::int
FROM "ReportPlaceMonth" GROUP BY 1, 2, 3;
