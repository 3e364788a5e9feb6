-- Statistics in people (issue 14): how many distinct addresses were delivered to, and
-- how many failed, judged by each address's LATEST final outcome (an address that
-- failed once and was delivered later counts as delivered, and the reverse).
--
-- Counting that from `attempts` means sorting every attempt of an owner on each request
-- (a daily mailing to 10,000 people makes 3.65 million attempts a year). Instead two
-- derived tables keep one row per address, maintained by a statement-level trigger on
-- `attempts` (like `mailing_reach`), so each figure is a count over recipients:
-- - `recipient_outcomes`: per (mailing, address), for one mailing's figures;
-- - `owner_recipient_outcomes`: per (owner, address), for the owner's figures; the
--   everyone figure takes the latest row per address over this table's index.
--
-- A final outcome is a successful attempt, or a failed one whose delivery will not be
-- retried (its delivery row is `failed`; attempts without a delivery row count as
-- final). A failure followed by a retry is not an outcome yet.
CREATE TABLE recipient_outcomes (
    mailing_id uuid NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    email_key  text NOT NULL,
    owner_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status     text NOT NULL CHECK (status IN ('success', 'failure')),
    at         timestamptz NOT NULL,
    PRIMARY KEY (mailing_id, email_key)
);

CREATE TABLE owner_recipient_outcomes (
    owner_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email_key text NOT NULL,
    status    text NOT NULL CHECK (status IN ('success', 'failure')),
    at        timestamptz NOT NULL,
    PRIMARY KEY (owner_id, email_key)
);
-- The owner's counts by status (index-only); everyone's latest per address.
CREATE INDEX owner_recipient_outcomes_status_idx ON owner_recipient_outcomes (owner_id, status);
CREATE INDEX owner_recipient_outcomes_email_idx
    ON owner_recipient_outcomes (email_key, at DESC) INCLUDE (status);

-- Backfill from the attempts recorded so far (one pass; the trigger below takes over).
INSERT INTO recipient_outcomes (mailing_id, email_key, owner_id, status, at)
SELECT DISTINCT ON (a.mailing_id, lower(a.email))
       a.mailing_id, lower(a.email), a.owner_id, a.status, a.attempted_at
FROM attempts a
LEFT JOIN deliveries d ON d.id = a.delivery_id
WHERE a.status = 'success' OR (a.status = 'failure' AND (d.id IS NULL OR d.status = 'failed'))
ORDER BY a.mailing_id, lower(a.email), a.attempted_at DESC;

INSERT INTO owner_recipient_outcomes (owner_id, email_key, status, at)
SELECT DISTINCT ON (owner_id, email_key) owner_id, email_key, status, at
FROM recipient_outcomes
ORDER BY owner_id, email_key, at DESC;

-- One statement (data-modifying CTEs; no temporary table, so no catalog churn on the
-- hot path): the batch's final outcomes, the latest per (mailing, address), upserted in
-- key order (the same lock order in concurrent batches), newer outcomes winning.
CREATE FUNCTION attempts_record_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH fresh AS (
        SELECT DISTINCT ON (a.mailing_id, lower(a.email))
               a.mailing_id, lower(a.email) AS email_key, a.owner_id, a.status, a.attempted_at AS at
        FROM new_attempts a
        LEFT JOIN deliveries d ON d.id = a.delivery_id
        WHERE a.status = 'success'
           OR (a.status = 'failure' AND (d.id IS NULL OR d.status = 'failed'))
        ORDER BY a.mailing_id, lower(a.email), a.attempted_at DESC
    ), per_mailing AS (
        INSERT INTO recipient_outcomes AS r (mailing_id, email_key, owner_id, status, at)
        SELECT mailing_id, email_key, owner_id, status, at FROM fresh
        ORDER BY mailing_id, email_key
        ON CONFLICT (mailing_id, email_key) DO UPDATE
            SET status = EXCLUDED.status, at = EXCLUDED.at
            WHERE EXCLUDED.at >= r.at
    )
    INSERT INTO owner_recipient_outcomes AS o (owner_id, email_key, status, at)
    SELECT DISTINCT ON (owner_id, email_key) owner_id, email_key, status, at FROM fresh
    ORDER BY owner_id, email_key, at DESC
    ON CONFLICT (owner_id, email_key) DO UPDATE
        SET status = EXCLUDED.status, at = EXCLUDED.at
        WHERE EXCLUDED.at >= o.at;
    RETURN NULL;
END
$$;

CREATE TRIGGER attempts_outcomes_on_insert
    AFTER INSERT ON attempts
    REFERENCING NEW TABLE AS new_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION attempts_record_outcomes();
