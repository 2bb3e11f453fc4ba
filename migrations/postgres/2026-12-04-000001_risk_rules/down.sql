DROP INDEX complaints_high_risk;
ALTER TABLE complaints DROP COLUMN risk_decided_at;
ALTER TABLE complaints DROP COLUMN risk_decided_by;
ALTER TABLE complaints DROP COLUMN risk_note;
ALTER TABLE complaints DROP COLUMN risk_state;
ALTER TABLE complaints DROP COLUMN risk_matches;
ALTER TABLE complaints DROP COLUMN risk_score;
DROP TABLE risk_rules_version;
DROP TABLE risk_rules;
