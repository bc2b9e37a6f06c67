-- Issue 19: a survey the channel refused becomes `failed` and no longer counts as sent in the
-- rollups, so a status change must mark its day for recomputation too.
DROP TRIGGER "report_mark_survey_update" ON "Survey";
CREATE TRIGGER "report_mark_survey_update" AFTER UPDATE ON "Survey"
  FOR EACH ROW WHEN (
    OLD."sentAt" IS DISTINCT FROM NEW."sentAt" OR OLD."answeredAt" IS DISTINCT FROM NEW."answeredAt"
    OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.overall IS DISTINCT FROM NEW.overall OR OLD.stars IS DISTINCT FROM NEW.stars OR OLD.fcr IS DISTINCT FROM NEW.fcr
    OR OLD.speed IS DISTINCT FROM NEW.speed OR OLD.effect IS DISTINCT FROM NEW.effect
    OR OLD.attitude IS DISTINCT FROM NEW.attitude OR OLD.nps IS DISTINCT FROM NEW.nps
    OR OLD."groupCode" IS DISTINCT FROM NEW."groupCode" OR OLD."agentId" IS DISTINCT FROM NEW."agentId")
  EXECUTE FUNCTION "report_mark_survey"();
