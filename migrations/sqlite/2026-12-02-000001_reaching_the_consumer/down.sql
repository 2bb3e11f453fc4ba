DROP INDEX complaints_silence_due;
CREATE INDEX complaints_silence_due ON complaints (proposed_at) WHERE state = 'proposed';
ALTER TABLE complaints DROP COLUMN proposal_reached_by;
ALTER TABLE complaints DROP COLUMN proposal_reached_at;
ALTER TABLE complaints DROP COLUMN phone_verified_at;
ALTER TABLE outbox DROP COLUMN channel;
