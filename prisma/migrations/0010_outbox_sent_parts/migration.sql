-- The provider ids of the parts of a long message already accepted by the provider (SMS):
-- a retry after a restart, or of a dead letter, sends only the parts still owed (issue 20).
ALTER TABLE "Outbox" ADD COLUMN "sentParts" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
