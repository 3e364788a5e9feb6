DROP TRIGGER IF EXISTS clients_follow_suppressions ON clients;
DROP FUNCTION IF EXISTS clients_follow_suppressions();
DROP TABLE IF EXISTS suppressions;
