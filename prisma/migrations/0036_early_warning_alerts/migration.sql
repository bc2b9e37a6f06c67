-- CreateTable
CREATE TABLE "EarlyWarningAlert" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "alert" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EarlyWarningAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EarlyWarningAlert_createdAt_idx" ON "EarlyWarningAlert"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EarlyWarningAlert_key_windowStart_key" ON "EarlyWarningAlert"("key", "windowStart");

