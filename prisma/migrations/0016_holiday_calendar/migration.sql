-- AlterTable
ALTER TABLE "SlaClock" ADD COLUMN     "calendarFallback" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "HolidayDay" (
    "year" INTEGER NOT NULL,
    "date" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HolidayDay_pkey" PRIMARY KEY ("year","date")
);

