-- Liveness of delivery-engine instances (issue 12). Each instance upserts its row every
-- INSTANCE_HEARTBEAT_SECS; the lease query takes back rows leased by an instance whose
-- heartbeat is older than four intervals (a crash, or a restart under a new INSTANCE_ID),
-- instead of waiting for the 15-minute lease to run out. A handful of rows, looked up by
-- primary key: no index is added to deliveries (its lease columns stay HOT-updatable).
CREATE TABLE engine_instances (
    id text PRIMARY KEY,
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
