DROP TABLE IF EXISTS posts, attempts, deliveries, runs, mailing_recipients, mailings,
    messages, clients, audit_log, user_tokens, users, roles;
