-- The delivery engine's hot path (issue 3).
--
-- Leasing rewrites only unindexed columns (leased_until, leased_by). At fillfactor 50 a
-- page keeps room for a second version of every row on it, so every lease update stays
-- HOT (no index writes) and pruning reclaims the old versions in place.
ALTER TABLE deliveries SET (fillfactor = 50);

-- (mailing_id, status) served only the "resend to those whose last delivery failed"
-- queries, which now reach a mailing's deliveries through its runs
-- (runs_mailing_started_idx, then deliveries_run_status_idx). One index fewer to write
-- for every ledger row inserted and every outcome recorded.
DROP INDEX IF EXISTS deliveries_mailing_idx;
