-- What happened to a delivery after the SMTP server's reply: bounces and complaints
-- (later opens, clicks and unsubscribes too), each matched to the exact delivery.
-- No foreign keys: events outlive the retention of deliveries and of mailings.
CREATE TABLE delivery_events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    delivery_id uuid NOT NULL,
    run_id uuid NOT NULL,
    mailing_id uuid NOT NULL,
    owner_id uuid NOT NULL,
    email text NOT NULL,
    type text NOT NULL CHECK (type IN ('bounce', 'complaint', 'open', 'click', 'unsubscribe')),
    -- For bounces: hard (5.x.x) or soft (4.x.x).
    bounce_kind text CHECK (bounce_kind IN ('hard', 'soft')),
    detail text NOT NULL DEFAULT '' CHECK (length(detail) <= 2000),
    -- Where it came from (the report's Message-ID, or a digest of the report), so the
    -- same report read twice, by one instance or two, counts once.
    source_id text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX delivery_events_source_idx ON delivery_events (source_id) WHERE source_id IS NOT NULL;
CREATE INDEX delivery_events_mailing_idx ON delivery_events (mailing_id, at DESC, id);
-- "3 soft bounces in 30 days" per owner and address.
CREATE INDEX delivery_events_soft_idx ON delivery_events (owner_id, lower(email), at)
    WHERE type = 'bounce' AND bounce_kind = 'soft';
