-- Platform inspections (巡查, DESIGN.md "Machine discovery"): a supervisor
-- watched a live room (during a session, or not) and recorded when, what
-- was found and the evidence; an inspection can open an incident about
-- the session (or its host) by hand, or lead to a measure on the room or
-- the host.
CREATE TABLE inspections (
    id INTEGER PRIMARY KEY NOT NULL,
    -- The supervisor who inspected.
    supervisor_id BIGINT NOT NULL REFERENCES users (id),
    -- The room's merchant, kept so its record can count them.
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    room_id BIGINT NOT NULL REFERENCES live_rooms (id),
    -- The session inspected: named on the form, or the room's session
    -- that was on at `inspected_at`; NULL when none was.
    live_session_id BIGINT REFERENCES live_sessions (id),
    -- When the room was watched (not in the future).
    inspected_at TIMESTAMP NOT NULL,
    -- What was found, as written (at most 2,000 characters).
    found TEXT NOT NULL,
    -- 'no_issue', 'concern' or 'violation'.
    verdict TEXT NOT NULL,
    -- The incident it opened or joined, and whether it opened it.
    incident_id BIGINT REFERENCES incidents (id),
    opened_incident BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
-- The supervisors' list, newest first.
CREATE INDEX inspections_inspected ON inspections (inspected_at, id);
-- A room's inspections (its page), a session's, a merchant's count, an
-- incident's.
CREATE INDEX inspections_room ON inspections (room_id, inspected_at);
CREATE INDEX inspections_session ON inspections (live_session_id, inspected_at);
CREATE INDEX inspections_merchant ON inspections (merchant_id);
CREATE INDEX inspections_incident ON inspections (incident_id);

-- An inspection's evidence: screenshots, images, PDFs, checked as a
-- complaint's are and kept under their SHA-256 in the same folder
-- (REDRESS_UPLOAD_DIR); served to supervisors only.
CREATE TABLE inspection_evidence (
    id INTEGER PRIMARY KEY NOT NULL,
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    thumb_sha256 TEXT,
    bytes BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspection_evidence_inspection ON inspection_evidence (inspection_id, id);
-- Whether a file is still in use, before the retention purge removes it.
CREATE INDEX inspection_evidence_sha256 ON inspection_evidence (sha256);

-- The measures an inspection led to (a room limited or cut, a host
-- banned), each an action on the merchant's record.
CREATE TABLE inspection_actions (
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    action_id BIGINT NOT NULL REFERENCES merchant_actions (id),
    PRIMARY KEY (inspection_id, action_id)
);

-- A room's sessions, by start: the one on at an inspection's time, and
-- the form's list.
CREATE INDEX live_sessions_room ON live_sessions (room_id, started_at);
