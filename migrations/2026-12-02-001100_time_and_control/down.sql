UPDATE deliveries SET status = 'skipped' WHERE status = 'cancelled';
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'skipped'));
DROP INDEX IF EXISTS runs_open_idx;
ALTER TABLE runs DROP COLUMN state, DROP COLUMN reason, DROP COLUMN waiting_until,
    DROP COLUMN window_closes_at, DROP COLUMN scheduled_for, DROP COLUMN cancelled;
ALTER TABLE mailings DROP CONSTRAINT mailings_window_whole, DROP CONSTRAINT mailings_late_policy_whole,
    DROP COLUMN time_zone, DROP COLUMN window_days, DROP COLUMN window_from, DROP COLUMN window_to,
    DROP COLUMN catch_up, DROP COLUMN max_late_secs;
ALTER TABLE users DROP COLUMN time_zone;
