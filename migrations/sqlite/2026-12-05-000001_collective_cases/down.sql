DROP INDEX incidents_one_open;
CREATE UNIQUE INDEX incidents_one_open ON incidents (subject, subject_id) WHERE state = 'open';
ALTER TABLE incidents DROP COLUMN dismissed_reason;
ALTER TABLE incidents DROP COLUMN closed_by;
ALTER TABLE incidents DROP COLUMN ruling;
ALTER TABLE incidents DROP COLUMN outcome;
ALTER TABLE incidents DROP COLUMN collective_by;
ALTER TABLE incidents DROP COLUMN collective_at;
