-- CreateTable
CREATE TABLE "TrackedShipmentsDay" (
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "shipments" INTEGER NOT NULL,

    CONSTRAINT "TrackedShipmentsDay_pkey" PRIMARY KEY ("kind","code","day")
);

-- CreateTable
CREATE TABLE "TrackedShipmentsRefresh" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "since" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TrackedShipmentsRefresh_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TrackedShipmentsDay_kind_day_idx" ON "TrackedShipmentsDay"("kind", "day");

-- CreateIndex
CREATE INDEX "Shipment_updatedAt_idx" ON "Shipment"("updatedAt");

-- CreateIndex
CREATE INDEX "TrackingEvent_time_idx" ON "TrackingEvent"("time");

