-- The public register (issue 24). One row per complaint whose consumer
-- consented to publication at some time (or whose merchant chose a public
-- response): `consent` is the consumer's current choice, `consent_at` when
-- it was last given or withdrawn. `publish_at` is when a consented
-- complaint becomes public: filing + 15 days, brought forward to the
-- merchant's first public reply. A case is listed while
-- `consent AND hidden_at IS NULL AND publish_at <= now`.
-- `merchant_id`, `category` and `product_category` are the complaint's,
-- copied so the register's filters are ranges of its own indexes; ids grow
-- with filing time, so "newest first" is `complaint_id DESC`.
-- `indexed_at` is when the case's search terms were last written
-- (`register_terms`, by the register job; NULL: to be indexed).
CREATE TABLE register_entries (
    complaint_id BIGINT PRIMARY KEY NOT NULL REFERENCES complaints (id),
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    consent BOOLEAN NOT NULL,
    consent_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    publish_at TIMESTAMP NOT NULL,
    category TEXT NOT NULL,
    product_category TEXT,
    hidden_at TIMESTAMP,
    hidden_by BIGINT REFERENCES users (id),
    hidden_reason TEXT,
    response TEXT,
    response_at TIMESTAMP,
    indexed_at TIMESTAMP
);
CREATE INDEX register_entries_merchant ON register_entries (merchant_id, complaint_id);
CREATE INDEX register_entries_category ON register_entries (category, complaint_id);
CREATE INDEX register_entries_product_category ON register_entries (product_category, complaint_id);
CREATE INDEX register_entries_unindexed ON register_entries (complaint_id) WHERE indexed_at IS NULL;

-- The register's full-text search, the same on both backends: each
-- published text's terms (CJK bigrams and single characters, Latin and
-- digit words; `domain::register::terms`), taken from the scrubbed text
-- only, so nothing scrubbed can be found by searching for it.
CREATE TABLE register_terms (
    term TEXT NOT NULL,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    PRIMARY KEY (term, complaint_id)
);
CREATE INDEX register_terms_complaint ON register_terms (complaint_id);
