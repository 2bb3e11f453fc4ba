-- User reports (举报, issue 20): anyone may report a live room or session
-- of a merchant's, without an order: what they saw, when, an optional
-- screenshot and an optional phone number (anonymous is allowed). A report
-- is the platform's, not a complaint: no deadlines, no merchant notice;
-- it is scored by the same risk rules as complaints and counted toward
-- incidents with the complaints naming the same session or host.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY NOT NULL,
    -- `JB` + the date it was made (deployment zone) + its number, given
    -- to the reporter.
    reference TEXT NOT NULL,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    room_id BIGINT NOT NULL REFERENCES live_rooms (id),
    -- The session named, or the room's session under way when it was
    -- seen; its host (copied, for counting). NULL when none is known.
    live_session_id BIGINT REFERENCES live_sessions (id),
    host_id BIGINT REFERENCES hosts (id),
    seen_at TIMESTAMP NOT NULL,
    description TEXT NOT NULL,
    -- Normalised (+86…), or NULL: anonymous.
    phone TEXT,
    -- The reporter's language, for the platform's call back.
    lang TEXT NOT NULL,
    -- An image, kept in the upload folder under its SHA-256 like evidence.
    screenshot_kind TEXT,
    screenshot_sha256 TEXT,
    screenshot_thumb_sha256 TEXT,
    screenshot_bytes BIGINT,
    -- Machine discovery, as on complaints (`domain::risk`).
    risk_score INTEGER NOT NULL DEFAULT 0,
    risk_matches TEXT,
    risk_state TEXT,
    -- 'new', then a supervisor's 'reviewed' or 'dismissed', with a note.
    state TEXT NOT NULL DEFAULT 'new',
    note TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX reports_reference ON reports (reference);
-- The supervisors' list, newest first.
CREATE INDEX reports_created ON reports (created_at);
-- New reports (the queue's count) and the new high-risk ones, newest
-- first, listed above the rest.
CREATE INDEX reports_state_risk ON reports (state, risk_state, created_at);
-- Incident detection: the reports naming a session or a host within the
-- window, as for complaints.
CREATE INDEX reports_session_created ON reports (live_session_id, created_at) WHERE live_session_id IS NOT NULL;
CREATE INDEX reports_host_created ON reports (host_id, created_at) WHERE host_id IS NOT NULL;
-- A room's reports, on its supervisor page.
CREATE INDEX reports_room_created ON reports (room_id, created_at);
-- Retention: decided reports whose time has run out.
CREATE INDEX reports_decided ON reports (decided_at) WHERE decided_at IS NOT NULL;

-- The reports of an incident, beside its complaints.
CREATE TABLE incident_reports (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    report_id BIGINT NOT NULL REFERENCES reports (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (incident_id, report_id)
);
-- The incidents a report is in (its page, the retention purge).
CREATE INDEX incident_reports_report ON incident_reports (report_id);
