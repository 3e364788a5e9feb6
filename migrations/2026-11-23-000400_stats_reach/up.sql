-- Statistics that stay fast at millions of attempts (issue 4).
--
-- Every figure is an SQL aggregate computed on request (and cached in Redis for a short
-- while); these indexes and one derived table keep each aggregate an index-only scan.

-- "Unique recipients" = distinct addresses (case-insensitive) that at least one
-- successful attempt reached. Counting distinct lower(email) over all attempts means
-- hashing every attempt row; this table keeps one row per (mailing, address) reached, so
-- the distinct count runs over recipients, not over attempts (a daily mailing to 1,000
-- people makes 365,000 attempts a year but only 1,000 rows here). It is derived data,
-- maintained by the triggers below whoever writes attempts, and it disappears with its
-- mailing or owner like the attempts do.
CREATE TABLE mailing_reach (
    mailing_id uuid NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    email_key  text NOT NULL,
    owner_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (mailing_id, email_key)
);
CREATE INDEX mailing_reach_owner_idx ON mailing_reach (owner_id, email_key);
CREATE INDEX mailing_reach_email_idx ON mailing_reach (email_key);

INSERT INTO mailing_reach (mailing_id, email_key, owner_id)
SELECT DISTINCT mailing_id, lower(email), owner_id FROM attempts WHERE status = 'success'
ON CONFLICT DO NOTHING;

-- Statement-level, with transition tables: one INSERT ... SELECT per statement, so bulk
-- inserts of attempts cost one extra statement, not one per row.
CREATE FUNCTION attempts_record_reach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mailing_reach (mailing_id, email_key, owner_id)
    SELECT DISTINCT mailing_id, lower(email), owner_id FROM new_attempts WHERE status = 'success'
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER attempts_reach_on_insert
    AFTER INSERT ON attempts
    REFERENCING NEW TABLE AS new_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION attempts_record_reach();

CREATE TRIGGER attempts_reach_on_update
    AFTER UPDATE ON attempts
    REFERENCING NEW TABLE AS new_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION attempts_record_reach();

-- Attempt counts by status, overall and per UTC day, for one owner and for everyone:
-- each count is an index-only range scan with no per-row expression to evaluate
-- (a day is `attempted_at >= d AND attempted_at < d + 24h`). The first index replaces
-- (owner_id, status), of which it is a superset.
DROP INDEX attempts_owner_status_idx;
CREATE INDEX attempts_owner_status_time_idx ON attempts (owner_id, status, attempted_at);
CREATE INDEX attempts_status_time_idx ON attempts (status, attempted_at);
-- One mailing's attempts by status (its figures) without heap fetches; same key as before.
DROP INDEX attempts_mailing_idx;
CREATE INDEX attempts_mailing_idx ON attempts (mailing_id, attempted_at DESC) INCLUDE (status);

-- Mailing figures per owner (total / running / finished) without touching the heap.
CREATE INDEX mailings_owner_status_idx ON mailings (owner_id, status);

-- The audit log filtered by the user acted upon.
CREATE INDEX audit_log_target_idx ON audit_log (target_user_id, created_at DESC);
