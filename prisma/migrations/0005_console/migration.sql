-- Agent console: human queue order and canned replies.
ALTER TABLE "Conversation" ADD COLUMN "queuedAt" TIMESTAMP(3);
ALTER TABLE "Conversation" ADD COLUMN "handoffReason" TEXT;
CREATE INDEX "Conversation_mode_queuedAt_idx" ON "Conversation"("mode", "queuedAt");

CREATE TABLE "CannedReply" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "groupCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CannedReply_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "CannedReply_groupCode_idx" ON "CannedReply"("groupCode");
