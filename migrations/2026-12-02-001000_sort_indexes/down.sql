DROP INDEX IF EXISTS mailings_owner_next_run_idx;
DROP INDEX IF EXISTS mailings_owner_name_idx;
DROP INDEX IF EXISTS messages_owner_subject_idx;
DROP INDEX IF EXISTS clients_owner_name_idx;
CREATE INDEX IF NOT EXISTS clients_owner_created_idx ON clients (owner_id, created_at DESC, id);
DROP INDEX IF EXISTS clients_owner_created_email_idx;
