-- Invitations (issue 14): an administrator invites someone by email; the emailed link
-- carries a single-use token, stored hashed in user_tokens like the verification and
-- reset tokens, of the new kind `invite`.
ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_kind_check;
ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_kind_check
    CHECK (kind IN ('verify_email', 'password_reset', 'refresh', 'invite'));
