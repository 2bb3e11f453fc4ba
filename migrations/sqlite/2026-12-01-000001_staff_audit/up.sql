-- The staff audit log: who did what, when and from where. Append-only
-- for the application: the triggers refuse any change or removal.
CREATE TABLE staff_audit (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    -- The account, when one is known (a failed sign-in may name none).
    user_id BIGINT REFERENCES users (id),
    -- The e-mail as known or typed.
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- The client's address (behind a trusted proxy, the forwarded one).
    address TEXT NOT NULL,
    -- What it was done to: "complaint TS…", "merchant 3", …
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX staff_audit_at ON staff_audit (at, id);
CREATE INDEX staff_audit_user ON staff_audit (user_id, at);
CREATE INDEX staff_audit_kind ON staff_audit (kind, at);
CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit
BEGIN SELECT RAISE(ABORT, 'the staff audit log is append-only'); END;
CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_audit
BEGIN SELECT RAISE(ABORT, 'the staff audit log is append-only'); END;
