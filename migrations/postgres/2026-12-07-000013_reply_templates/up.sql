-- Read receipts (issue 22): when the merchant's staff first opened the
-- complaint. Set once, by `UPDATE … WHERE merchant_viewed_at IS NULL`,
-- in the transaction that records the timeline's "merchant viewed" entry,
-- so two staff opening it at once record it once.
ALTER TABLE complaints ADD COLUMN merchant_viewed_at TIMESTAMP;

-- Quick replies (issue 22): a merchant's reply templates, with the
-- placeholders {reference}, {consumer_name} and {order_ref} filled from
-- the complaint answered (src/domain/reply_template.rs).
CREATE TABLE reply_templates (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reply_templates_merchant ON reply_templates (merchant_id, id);
