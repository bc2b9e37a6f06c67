-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "cityCode" TEXT,
ADD COLUMN     "provinceCode" TEXT,
ADD COLUMN     "stage" TEXT;

