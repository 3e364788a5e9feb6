DELETE FROM user_tokens WHERE kind = 'invite';
ALTER TABLE user_tokens DROP CONSTRAINT user_tokens_kind_check;
ALTER TABLE user_tokens ADD CONSTRAINT user_tokens_kind_check
    CHECK (kind IN ('verify_email', 'password_reset', 'refresh'));
