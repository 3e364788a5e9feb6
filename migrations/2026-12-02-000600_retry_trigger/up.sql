-- Runs started by "retry failed" say so (they used to read as plain manual runs).
ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_trigger_check;
ALTER TABLE runs ADD CONSTRAINT runs_trigger_check
    CHECK (trigger IN ('schedule', 'manual', 'cli', 'retry'));
