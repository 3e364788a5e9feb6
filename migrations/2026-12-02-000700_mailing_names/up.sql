-- Mailings get a name of their own (two mailings of one message used to look alike).
-- Existing ones are named from their message's subject: one line, cut to 200 characters.
ALTER TABLE mailings ADD COLUMN name text;
UPDATE mailings m
SET name = coalesce(
    nullif(btrim(regexp_replace(left(msg.subject, 200), '[[:cntrl:]]', ' ', 'g')), ''),
    'Mailing')
FROM messages msg
WHERE msg.id = m.message_id;
UPDATE mailings SET name = 'Mailing' WHERE name IS NULL;
-- The default keeps inserts that name no name working (an older instance during a
-- rolling upgrade); the API always gives one.
ALTER TABLE mailings ALTER COLUMN name SET DEFAULT 'Mailing';
ALTER TABLE mailings ALTER COLUMN name SET NOT NULL;
ALTER TABLE mailings ADD CONSTRAINT mailings_name_length CHECK (char_length(name) BETWEEN 1 AND 200);
