DROP TRIGGER attempts_outcomes_on_insert ON attempts;
DROP FUNCTION attempts_record_outcomes();
DROP TABLE owner_recipient_outcomes;
DROP TABLE recipient_outcomes;
