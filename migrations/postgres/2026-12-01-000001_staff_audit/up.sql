-- The staff audit log: who did what, when and from where. Append-only
-- for the application: the trigger refuses any change or removal.
CREATE TABLE staff_audit (
    id BIGSERIAL PRIMARY KEY,
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
CREATE FUNCTION staff_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the staff audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER staff_audit_append_only BEFORE UPDATE OR DELETE ON staff_audit
FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
