-- Reaching the consumer (DESIGN.md): notices go by SMS as well as by
-- e-mail, through the same outbox; a row says which channel it takes.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail';

-- A phone number proved by a six-digit code, when it was.
ALTER TABLE complaints ADD COLUMN phone_verified_at TIMESTAMP;

-- The 72 hours of silence run from when the consumer was reached with the
-- proposal now on the table (its notice delivered, or the tracking page
-- seen after it), and by which way; never from a notice nobody received.
ALTER TABLE complaints ADD COLUMN proposal_reached_at TIMESTAMP;
ALTER TABLE complaints ADD COLUMN proposal_reached_by TEXT;

-- A proposal waiting today was reached if its notice was delivered.
UPDATE complaints SET
    proposal_reached_at = (
        SELECT MIN(o.sent_at) FROM outbox o
        WHERE o.complaint_id = complaints.id AND o.kind = 'consumer_proposal'
          AND o.state = 'sent' AND o.created_at >= complaints.proposed_at
    )
WHERE state = 'proposed';
UPDATE complaints SET proposal_reached_by = 'mail'
WHERE state = 'proposed' AND proposal_reached_at IS NOT NULL;

-- The sweeper's silence scan: proposals reached, by when they were.
DROP INDEX complaints_silence_due;
CREATE INDEX complaints_silence_due ON complaints (proposal_reached_at) WHERE state = 'proposed';
