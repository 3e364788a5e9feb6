-- An index behind each sort order of the owner's lists (`?sort=&order=`), so a page is
-- read in order instead of sorted from every row. Recipients break ties by email now.
CREATE INDEX clients_owner_created_email_idx ON clients (owner_id, created_at DESC, email, id);
DROP INDEX IF EXISTS clients_owner_created_idx;
CREATE INDEX clients_owner_name_idx ON clients (owner_id, lower(full_name), email, id);
CREATE INDEX messages_owner_subject_idx ON messages (owner_id, subject, id);
CREATE INDEX mailings_owner_name_idx ON mailings (owner_id, name, id);
CREATE INDEX mailings_owner_next_run_idx ON mailings (owner_id, next_run_at, id);
