DROP TABLE delivery_events;
