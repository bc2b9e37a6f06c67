-- The dashboard's latest comments (report.service.ts: surveys of the period with a comment or a
-- "what went wrong", newest first, 50): read backwards along "sentAt" they were found among every
-- survey sent, ~100,000 rows visited at 1M tickets when the latest surveys went unanswered, ~213,000
-- for one agent. Only the surveys with either text are indexed here (a partial index Prisma's
-- schema cannot state; kept in SQL like the rollup triggers of 0006).
CREATE INDEX "Survey_sentAt_commented_idx" ON "Survey"("sentAt")
  WHERE "comment" IS NOT NULL OR "whatWentWrong" IS NOT NULL;
