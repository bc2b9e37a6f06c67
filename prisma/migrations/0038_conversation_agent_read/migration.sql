-- Issue 18: read marks in the chat (the customer's messages the holding agent has seen).
ALTER TABLE "Conversation" ADD COLUMN "agentReadSeq" BIGINT;
