DROP INDEX IF EXISTS audit_log_target_idx;
DROP INDEX IF EXISTS mailings_owner_status_idx;
DROP INDEX IF EXISTS attempts_attempted_idx;
DROP INDEX IF EXISTS attempts_owner_idx;
CREATE INDEX attempts_owner_idx ON attempts (owner_id, attempted_at DESC);
DROP TRIGGER IF EXISTS attempts_reach_on_update ON attempts;
DROP TRIGGER IF EXISTS attempts_reach_on_insert ON attempts;
DROP FUNCTION IF EXISTS attempts_record_reach();
DROP TABLE IF EXISTS mailing_reach;
