-- Herald's whole data model. Rules that must hold whatever the code does live here:
-- uniqueness, foreign keys, enum checks, and the indexes behind every list filter.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE roles (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{1,39}$'),
    permissions text[] NOT NULL DEFAULT '{}',
    builtin     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO roles (id, name, permissions, builtin) VALUES
  ('00000000-0000-4000-8000-000000000001', 'user', '{}', true),
  ('00000000-0000-4000-8000-000000000002', 'manager',
   '{clients.view_all,messages.view_all,mailings.view_all,mailings.disable,users.view,users.block,stats.view_all}', true),
  ('00000000-0000-4000-8000-000000000003', 'content_manager', '{posts.write,posts.publish}', true),
  ('00000000-0000-4000-8000-000000000004', 'admin',
   '{clients.view_all,messages.view_all,mailings.view_all,mailings.disable,users.view,users.block,stats.view_all,posts.write,posts.publish,roles.manage}', true);

CREATE TABLE users (
    id                uuid PRIMARY KEY,
    email             text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash     text NOT NULL,
    full_name         text NOT NULL CHECK (length(full_name) <= 200),
    role_id           uuid NOT NULL REFERENCES roles (id),
    email_verified_at timestamptz,
    blocked_at        timestamptz,
    blocked_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_role_idx ON users (role_id);
CREATE INDEX users_search_idx ON users USING gin ((lower(email) || ' ' || lower(full_name)) gin_trgm_ops);

-- Single-use secrets mailed or handed to users. Only a SHA-256 of the token is stored.
-- Refresh tokens of one login share a family: reuse of a spent one revokes the family.
CREATE TABLE user_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('verify_email', 'password_reset', 'refresh')),
    token_hash  bytea NOT NULL UNIQUE,
    family_id   uuid,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, kind);
CREATE INDEX user_tokens_family_idx ON user_tokens (family_id) WHERE family_id IS NOT NULL;

CREATE TABLE audit_log (
    id             uuid PRIMARY KEY,
    actor_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    action         text NOT NULL,
    target_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    details        jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);

-- Mailing recipients. Not users of the system.
CREATE TABLE clients (
    id                uuid PRIMARY KEY,
    owner_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email             text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    full_name         text NOT NULL CHECK (length(full_name) <= 200),
    comment           text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    unsubscribed_at   timestamptz,
    -- Random, unguessable; appears in unsubscribe links instead of the id.
    unsubscribe_token text NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX clients_owner_email_key ON clients (owner_id, lower(email));
CREATE INDEX clients_owner_created_idx ON clients (owner_id, created_at DESC, id);
CREATE INDEX clients_search_idx ON clients USING gin ((lower(email) || ' ' || lower(full_name)) gin_trgm_ops);

CREATE TABLE messages (
    id         uuid PRIMARY KEY,
    owner_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject    text NOT NULL CHECK (length(subject) BETWEEN 1 AND 998),
    body       text NOT NULL CHECK (length(body) <= 1000000),
    html_body  text CHECK (length(html_body) <= 2000000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_owner_created_idx ON messages (owner_id, created_at DESC, id);

CREATE TABLE mailings (
    id          uuid PRIMARY KEY,
    owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- RESTRICT: a message in use cannot be deleted (the API answers 409).
    message_id  uuid NOT NULL REFERENCES messages (id) ON DELETE RESTRICT,
    all_clients boolean NOT NULL DEFAULT false,
    start_at    timestamptz NOT NULL,
    end_at      timestamptz CHECK (end_at IS NULL OR end_at > start_at),
    periodicity text NOT NULL CHECK (periodicity IN ('once', 'daily', 'weekly', 'monthly')),
    status      text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'running', 'finished')),
    enabled     boolean NOT NULL DEFAULT true,
    next_run_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mailings_owner_created_idx ON mailings (owner_id, created_at DESC, id);
CREATE INDEX mailings_message_idx ON mailings (message_id);
-- The scheduler's scan: only enabled, unfinished mailings with a next run.
CREATE INDEX mailings_due_idx ON mailings (next_run_at) WHERE enabled AND status <> 'finished';

CREATE TABLE mailing_recipients (
    mailing_id uuid NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    client_id  uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    PRIMARY KEY (mailing_id, client_id)
);
CREATE INDEX mailing_recipients_client_idx ON mailing_recipients (client_id);

CREATE TABLE runs (
    id          uuid PRIMARY KEY,
    mailing_id  uuid NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    trigger     text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'cli')),
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    sent        integer NOT NULL DEFAULT 0,
    failed      integer NOT NULL DEFAULT 0
);
CREATE INDEX runs_mailing_started_idx ON runs (mailing_id, started_at DESC);
CREATE INDEX runs_unfinished_idx ON runs (started_at) WHERE finished_at IS NULL;

-- The delivery ledger: one row per (run, recipient). Workers lease pending rows,
-- send, and record the outcome; the row id is the email's Message-ID, so a resend
-- after a crash carries the same id.
--
-- This table and `attempts` are the engine's hot write path (a few rows per email), so
-- they carry only the indexes and foreign keys that earn their keep: the run's cascade
-- already ties every row's lifetime to its mailing and owner, and ids kept only for
-- reference (mailing, client, owner) are plain columns. A run's recipients are unique
-- by construction (clients are unique per owner), so no unique index guards it.
-- Leasing changes only unindexed columns; the spare room per page (fillfactor) lets
-- those updates stay HOT (no index writes).
CREATE TABLE deliveries (
    id              uuid PRIMARY KEY,
    run_id          uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    mailing_id      uuid NOT NULL,
    -- The client at the time; no foreign key: a client deleted since has no unsubscribe
    -- token to find, and its pending deliveries are skipped.
    client_id       uuid,
    email           text NOT NULL,
    full_name       text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    tries           integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    leased_by       text,
    updated_at      timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 80);
CREATE INDEX deliveries_pending_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_run_status_idx ON deliveries (run_id, status);
CREATE INDEX deliveries_mailing_idx ON deliveries (mailing_id, status);

-- One row per try. Append-only; gone with its run.
CREATE TABLE attempts (
    id              uuid PRIMARY KEY,
    delivery_id     uuid,
    run_id          uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    mailing_id      uuid NOT NULL,
    owner_id        uuid NOT NULL,
    -- The recipient's id at the time; the client may have been deleted since.
    client_id       uuid,
    email           text NOT NULL,
    attempted_at    timestamptz NOT NULL DEFAULT now(),
    status          text NOT NULL CHECK (status IN ('success', 'failure')),
    server_response text NOT NULL DEFAULT ''
);
CREATE INDEX attempts_mailing_idx ON attempts (mailing_id, attempted_at DESC);
CREATE INDEX attempts_run_idx ON attempts (run_id);
CREATE INDEX attempts_owner_idx ON attempts (owner_id, attempted_at DESC);
CREATE INDEX attempts_owner_status_idx ON attempts (owner_id, status);

CREATE TABLE posts (
    id           uuid PRIMARY KEY,
    author_id    uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body         text NOT NULL CHECK (length(body) <= 200000),
    image_path   text,
    views        bigint NOT NULL DEFAULT 0,
    published_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX posts_published_idx ON posts (published_at DESC) WHERE published_at IS NOT NULL;
