-- The deadline sweeper and the supervisors' work.

-- Every change to a complaint's progress bumps its version, and is
-- written only if the version is still the one that was read: two sweeps,
-- or a sweep and a reply, can never both record the same thing. (It
-- replaces updated_at, which nothing read.)
ALTER TABLE complaints ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE complaints DROP COLUMN updated_at;

-- When the consumer last rejected a proposal (they may then ask the
-- platform to intervene).
ALTER TABLE complaints ADD COLUMN rejected_at TIMESTAMP;
-- The supervisor holding an escalated complaint: at most one each.
CREATE TABLE complaint_claims (
    complaint_id BIGINT PRIMARY KEY NOT NULL REFERENCES complaints (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    claimed_at TIMESTAMP NOT NULL
);

-- What the sweeper looks for, and only that: a complaint leaves these
-- indexes as soon as its deadline is met, recorded as breached, or it ends,
-- so a sweep costs what has fallen due, not what is stored.
DROP INDEX complaints_response_due;
DROP INDEX complaints_resolution_due;
CREATE INDEX complaints_response_due ON complaints (response_due_at)
    WHERE responded_at IS NULL AND response_breached_at IS NULL AND ended_at IS NULL;
CREATE INDEX complaints_resolution_due ON complaints (resolution_due_at)
    WHERE resolution_met_at IS NULL AND resolution_breached_at IS NULL AND ended_at IS NULL;
CREATE INDEX complaints_silence_due ON complaints (proposed_at) WHERE state = 'proposed';

-- The escalation queue holds only escalated complaints, so escalating one
-- touches a small index rather than one over every complaint.
DROP INDEX complaints_escalation_queue;
CREATE INDEX complaints_escalation_queue ON complaints (escalated_at, id) WHERE state = 'escalated';

-- The overview and the export read by date received.
CREATE INDEX complaints_submitted ON complaints (submitted_at);
