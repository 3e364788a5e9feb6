DROP TABLE IF EXISTS engine_instances;
