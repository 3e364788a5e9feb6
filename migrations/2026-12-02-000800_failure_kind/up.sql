-- Why a delivery finally failed, so "retry failed" can leave permanent refusals alone
-- (retrying a 5xx "no such user" hurts the sender's reputation). Set by the engine from
-- now on; failures recorded before are classified from their last reply: a 5xx code
-- is permanent, anything else (4xx, timeouts, connection errors) temporary.
ALTER TABLE deliveries ADD COLUMN failure_kind text
    CHECK (failure_kind IN ('temporary', 'permanent'));
UPDATE deliveries d
SET failure_kind = CASE WHEN last.server_response ~ '^5[0-9][0-9]' THEN 'permanent' ELSE 'temporary' END
FROM (
    SELECT DISTINCT ON (delivery_id) delivery_id, server_response
    FROM attempts
    WHERE status = 'failure' AND delivery_id IS NOT NULL
    ORDER BY delivery_id, attempted_at DESC
) last
WHERE d.id = last.delivery_id AND d.status = 'failed';
