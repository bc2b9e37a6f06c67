-- A customer's message resumes the conversation's pending ticket: looked up on every turn.
CREATE INDEX "Ticket_conversationId_status_idx" ON "Ticket"("conversationId", "status");
