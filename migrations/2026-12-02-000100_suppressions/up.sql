-- The suppression list: addresses an owner must not mail, kept per owner and email
-- (case-insensitive) and independent of client rows, so deleting a client and adding
-- it again does not undo an unsubscribe. The deliverability work adds bounce and
-- complaint reasons to the same store.
CREATE TABLE suppressions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email text NOT NULL,
    reason text NOT NULL
        CHECK (reason IN ('unsubscribed', 'hard_bounce', 'soft_bounce', 'complaint', 'manual')),
    note text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX suppressions_owner_email_idx ON suppressions (owner_id, lower(email));

-- Existing unsubscribes move into the list.
INSERT INTO suppressions (owner_id, email, reason, created_at)
SELECT owner_id, email, 'unsubscribed', unsubscribed_at
FROM clients
WHERE unsubscribed_at IS NOT NULL
ON CONFLICT DO NOTHING;

-- A client row created (API, CSV import, any future path) or renamed to a suppressed
-- address carries the unsubscribe at once: `clients.unsubscribed_at` mirrors the list
-- for the `unsubscribed` reason, whichever code path writes the row.
CREATE FUNCTION clients_follow_suppressions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR lower(NEW.email) IS DISTINCT FROM lower(OLD.email) THEN
        NEW.unsubscribed_at := (
            SELECT s.created_at FROM suppressions s
            WHERE s.owner_id = NEW.owner_id AND lower(s.email) = lower(NEW.email)
              AND s.reason = 'unsubscribed');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER clients_follow_suppressions
    BEFORE INSERT OR UPDATE OF email ON clients
    FOR EACH ROW EXECUTE FUNCTION clients_follow_suppressions();
