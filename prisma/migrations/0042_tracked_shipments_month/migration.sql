-- CreateTable
CREATE TABLE "TrackedShipmentsMonth" (
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "shipments" INTEGER NOT NULL,

    CONSTRAINT "TrackedShipmentsMonth_pkey" PRIMARY KEY ("kind","code","month")
);

-- CreateIndex
CREATE INDEX "TrackedShipmentsMonth_month_idx" ON "TrackedShipmentsMonth"("month");

-- The months counted before this table: summed from their days.
INSERT INTO "TrackedShipmentsMonth" (kind, code, month, shipments)
SELECT kind, code, date_trunc('month', day)::date, sum(shipments)::int FROM "TrackedShipmentsDay" GROUP BY 1, 2, 3;
