-- Each run keeps how many recipients it had when it started, so a finished mailing
-- still says how many it reached even after clients were added or deleted since.
ALTER TABLE runs ADD COLUMN recipients integer NOT NULL DEFAULT 0;
UPDATE runs r SET recipients = c.n
FROM (SELECT run_id, count(*)::int AS n FROM deliveries GROUP BY run_id) c
WHERE c.run_id = r.id;
