-- Evidence: files a complaint came with. The bytes live on disk under
-- their SHA-256 (REDRESS_UPLOAD_DIR); the row is written in the same
-- transaction as the complaint or the message it came with.
CREATE TABLE evidence (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    thumb_sha256 TEXT,
    bytes BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- Who sent it: consumer or merchant.
    added_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX evidence_complaint ON evidence (complaint_id, id);
