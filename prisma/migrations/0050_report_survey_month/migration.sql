-- CreateTable
CREATE TABLE "ReportSurveyMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,
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

    CONSTRAINT "ReportSurveyMonth_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportSurveyMonth_month_idx" ON "ReportSurveyMonth"("month");

-- CreateIndex
CREATE INDEX "ReportSurveyMonth_agentId_month_idx" ON "ReportSurveyMonth"("agentId", "month");


-- The months rolled up before this table: summed from their days (a month is always the sum of its
-- day rows; the summary reads it only when every day of it is rolled up and clean).
INSERT INTO "ReportSurveyMonth" ("month", "groupCode", "agentId", "sent", "answered", "satisfied", "basically",
  "dissatisfied", "rated", "starsN", "stars45", "ratingsN", "ratings45", "speedSum", "speedN", "effectSum", "effectN",
  "attitudeSum", "attitudeN", "npsN", "promoters", "detractors", "fcrN", "fcrYes")
SELECT date_trunc('month', "day")::date, "groupCode", "agentId", sum("sent")::int, sum("answered")::int,
  sum("satisfied")::int, sum("basically")::int, sum("dissatisfied")::int, sum("rated")::int, sum("starsN")::int,
  sum("stars45")::int, sum("ratingsN")::int, sum("ratings45")::int, sum("speedSum")::int, sum("speedN")::int,
  sum("effectSum")::int, sum("effectN")::int, sum("attitudeSum")::int, sum("attitudeN")::int, sum("npsN")::int,
  sum("promoters")::int, sum("detractors")::int, sum("fcrN")::int, sum("fcrYes")::int
FROM "ReportSurveyDay" GROUP BY 1, 2, 3;
