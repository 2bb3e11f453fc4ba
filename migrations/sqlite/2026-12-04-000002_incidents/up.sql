-- Incidents (机器发现, DESIGN.md "Machine discovery"): complaints naming the
-- same product, live session or host that reached the threshold within the
-- window (REDRESS_INCIDENT), gathered once; the complaints that arrive
-- later about it join the open incident. A supervisor can make one a
-- collective case (集体投诉), ruled once for all of its complaints.
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY NOT NULL,
    -- The merchant whose product, session or host it is.
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    -- 'product', 'session' or 'host'; `subject_id` is that row's id.
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    -- 'open' (complaints about the subject join it), 'collective' (a
    -- collective case: its members are a supervisor's to change) or
    -- 'closed'.
    state TEXT NOT NULL DEFAULT 'open',
    opened_at TIMESTAMP NOT NULL,
    -- When its newest complaint arrived, and how many it holds.
    last_at TIMESTAMP NOT NULL,
    complaint_count INTEGER NOT NULL,
    -- When supervisors were told (once per incident).
    notified_at TIMESTAMP,
    closed_at TIMESTAMP
);
-- At most one open incident per subject: opening one while another
-- instance (or transaction) opened it first fails here, and the complaint
-- joins theirs instead.
CREATE UNIQUE INDEX incidents_one_open ON incidents (subject, subject_id) WHERE state = 'open';
-- The open incident of a subject, found at intake without relying on the
-- partial index's condition (a bound parameter cannot prove it).
CREATE INDEX incidents_subject ON incidents (subject, subject_id, state);
-- The supervisors' list, newest first within each state: a range each.
CREATE INDEX incidents_state_opened ON incidents (state, opened_at);

-- The complaints of an incident. `added_by` is NULL when detection added
-- it, the supervisor's id when one did (collective cases).
CREATE TABLE incident_complaints (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    added_at TIMESTAMP NOT NULL,
    added_by BIGINT REFERENCES users (id),
    PRIMARY KEY (incident_id, complaint_id)
);
-- The incidents a complaint is in (its page, the retention purge).
CREATE INDEX incident_complaints_complaint ON incident_complaints (complaint_id);
