-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "repeatOfId" UUID;

-- AlterTable
ALTER TABLE "ReportPlaceDay" ADD COLUMN     "repeats" INTEGER NOT NULL DEFAULT 0;

-- Days rolled up before the repeats column have 0 there: mark them dirty so they are recomputed.
INSERT INTO "ReportDirtyDay" ("day") SELECT "day" FROM "ReportRollupDay";
