DROP TABLE outbox;
DROP TABLE complaint_events;
DROP TABLE complaints;
DROP TABLE merchants;
