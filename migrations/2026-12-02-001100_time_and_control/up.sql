-- Time zones, send windows, late policy and control of runs (API.md "Time, windows and
-- control of runs"). Existing mailings and users keep UTC, so their schedules do not move.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC'
    CHECK (length(time_zone) BETWEEN 1 AND 64);

ALTER TABLE mailings
    ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64),
    -- The send window: days as a bit set (bit 0 = Monday .. bit 6 = Sunday) and
    -- [window_from, window_to) in minutes after local midnight; all null: no window.
    ADD COLUMN window_days smallint CHECK (window_days BETWEEN 1 AND 127),
    ADD COLUMN window_from smallint CHECK (window_from BETWEEN 0 AND 1439),
    ADD COLUMN window_to smallint CHECK (window_to BETWEEN 1 AND 1440),
    ADD CONSTRAINT mailings_window_whole CHECK (
        (window_days IS NULL AND window_from IS NULL AND window_to IS NULL)
        OR (window_days IS NOT NULL AND window_from < window_to)),
    ADD COLUMN catch_up boolean NOT NULL DEFAULT true,
    ADD COLUMN max_late_secs integer CHECK (max_late_secs BETWEEN 1 AND 31536000),
    ADD CONSTRAINT mailings_late_policy_whole CHECK (catch_up OR max_late_secs IS NOT NULL);

-- A run's state. Added with the default 'finished' (no table rewrite), then the open
-- runs (few) are marked running, then new runs default to running.
ALTER TABLE runs
    ADD COLUMN state text NOT NULL DEFAULT 'finished'
        CHECK (state IN ('running', 'paused', 'waiting', 'cancelled', 'finished', 'skipped')),
    ADD COLUMN reason text CHECK (length(reason) <= 64),
    ADD COLUMN waiting_until timestamptz,
    -- While running inside a send window: when it closes (the lease stops taking its
    -- deliveries at that instant, without waiting for the scheduler's next pass).
    ADD COLUMN window_closes_at timestamptz,
    ADD COLUMN scheduled_for timestamptz,
    ADD COLUMN cancelled integer NOT NULL DEFAULT 0;
UPDATE runs SET state = 'running' WHERE finished_at IS NULL;
ALTER TABLE runs ALTER COLUMN state SET DEFAULT 'running';
-- The scheduler's pass over runs whose window opens or closes; open runs are few.
CREATE INDEX runs_open_idx ON runs (state) WHERE finished_at IS NULL;

ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'skipped', 'cancelled'));
