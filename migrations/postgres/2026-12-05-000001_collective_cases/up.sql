-- Collective cases (集体投诉): a supervisor makes an incident a case, adds
-- and removes its complaints, and rules once for all of them; or dismisses
-- an incident that is no case. What was decided, by whom, is kept here
-- (and on the audit log).
ALTER TABLE incidents ADD COLUMN collective_at TIMESTAMP;
ALTER TABLE incidents ADD COLUMN collective_by BIGINT REFERENCES users (id);
-- The ruling: `outcome` a slug as a single ruling's, `ruling` its text.
ALTER TABLE incidents ADD COLUMN outcome TEXT;
ALTER TABLE incidents ADD COLUMN ruling TEXT;
ALTER TABLE incidents ADD COLUMN closed_by BIGINT REFERENCES users (id);
-- Why an incident was dismissed rather than ruled.
ALTER TABLE incidents ADD COLUMN dismissed_reason TEXT;
-- A collective case is still its subject's incident until it is ruled:
-- complaints about the subject that arrive meanwhile join it, and no
-- second incident about the subject opens beside it.
DROP INDEX incidents_one_open;
CREATE UNIQUE INDEX incidents_one_open ON incidents (subject, subject_id) WHERE state <> 'closed';
