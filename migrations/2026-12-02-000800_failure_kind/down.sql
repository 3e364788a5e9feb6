ALTER TABLE deliveries DROP COLUMN IF EXISTS failure_kind;
