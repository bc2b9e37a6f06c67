-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "outletCode" TEXT;

-- CreateTable
CREATE TABLE "Outlet" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "regionCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "groupCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Outlet_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "OutletShipments" (
    "outletCode" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "shipments" INTEGER NOT NULL,

    CONSTRAINT "OutletShipments_pkey" PRIMARY KEY ("outletCode","month")
);

-- CreateIndex
CREATE INDEX "Outlet_name_idx" ON "Outlet"("name");

-- CreateIndex
CREATE INDEX "Ticket_outletCode_createdAt_idx" ON "Ticket"("outletCode", "createdAt");

-- AddForeignKey
ALTER TABLE "Outlet" ADD CONSTRAINT "Outlet_groupCode_fkey" FOREIGN KEY ("groupCode") REFERENCES "Group"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutletShipments" ADD CONSTRAINT "OutletShipments_outletCode_fkey" FOREIGN KEY ("outletCode") REFERENCES "Outlet"("code") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_outletCode_fkey" FOREIGN KEY ("outletCode") REFERENCES "Outlet"("code") ON DELETE SET NULL ON UPDATE CASCADE;

