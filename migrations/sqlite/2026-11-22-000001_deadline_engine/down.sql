DROP INDEX complaints_submitted;
DROP INDEX complaints_silence_due;
DROP INDEX complaints_escalation_queue;
CREATE INDEX complaints_escalation_queue ON complaints (state, escalated_at, id);
DROP INDEX complaints_resolution_due;
DROP INDEX complaints_response_due;
CREATE INDEX complaints_response_due ON complaints (response_due_at)
    WHERE responded_at IS NULL AND response_breached_at IS NULL;
CREATE INDEX complaints_resolution_due ON complaints (resolution_due_at)
    WHERE resolution_met_at IS NULL AND resolution_breached_at IS NULL;
DROP TABLE complaint_claims;
ALTER TABLE complaints DROP COLUMN rejected_at;
ALTER TABLE complaints ADD COLUMN updated_at TIMESTAMP;
UPDATE complaints SET updated_at = submitted_at;
ALTER TABLE complaints DROP COLUMN version;
