CREATE INDEX IF NOT EXISTS deliveries_mailing_idx ON deliveries (mailing_id, status);
ALTER TABLE deliveries SET (fillfactor = 80);
