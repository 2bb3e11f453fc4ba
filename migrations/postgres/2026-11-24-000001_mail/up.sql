-- Notices are rendered when the event that causes them is stored, so the
-- dispatcher only sends what the row says.
ALTER TABLE outbox ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
-- A dispatcher that claimed a row owns it until then; after, another may.
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMP;
UPDATE outbox SET state = 'dead', last_error = 'queued before notices were rendered; not sent'
    WHERE subject = '' AND state = 'queued';

-- Where each background job got to (the reminder scan's cursor).
CREATE TABLE job_marks (
    name TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL
);
