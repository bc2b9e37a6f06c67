-- A customer's tickets include the 催件 they joined (issue 15): looked up by the joining customer
-- on every progress question, so a small partial index over joined events only.
CREATE INDEX "TicketEvent_joined_actor_idx" ON "TicketEvent"("actorId") WHERE "type" = 'joined';
