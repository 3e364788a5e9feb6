-- Who disabled a mailing, when, and why (shown to the owner, who is emailed when a
-- manager did it). Mailings disabled before this was recorded keep an unknown author.
ALTER TABLE mailings
    ADD COLUMN disabled_by uuid REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN disabled_at timestamptz,
    ADD COLUMN disabled_reason text;
UPDATE mailings SET disabled_at = updated_at WHERE NOT enabled;
