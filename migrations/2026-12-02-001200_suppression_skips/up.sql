-- A run records each suppressed recipient it skips in the attempt log (status
-- `skipped`, the reason in `server_response`).
ALTER TABLE attempts DROP CONSTRAINT IF EXISTS attempts_status_check;
ALTER TABLE attempts ADD CONSTRAINT attempts_status_check
    CHECK (status IN ('success', 'failure', 'skipped'));
