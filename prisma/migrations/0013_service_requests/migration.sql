-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "details" JSONB,
ADD COLUMN     "outcome" TEXT,
ADD COLUMN     "paidAmount" DECIMAL(12,2),
ADD COLUMN     "proposedAmount" DECIMAL(12,2),
ADD COLUMN     "type" TEXT NOT NULL DEFAULT 'complaint';

-- AlterTable
ALTER TABLE "SlaPolicy" ADD COLUMN     "ticketType" TEXT NOT NULL DEFAULT 'complaint';

-- CreateIndex
CREATE INDEX "Ticket_type_createdAt_idx" ON "Ticket"("type", "createdAt");

