-- The public merchant list (/merchants) sorts 5,000 merchants by figures
-- the scorecard counts from a year of complaints: counted once per
-- merchant here, when something changed, not per request. Each row holds
-- the scorecard's counts (src/service/scorecard.rs, `figures`) as of
-- `refreshed_at`, and the sort keys derived from them: a rate or an
-- average in millionths, with `*_known` false where there is none yet (so
-- those sort last either way). `name` is the merchant's, `name_key` its
-- folded form for search (src/domain/merchant_list.rs, `search_key`).
-- `stale`: to be counted again (a new merchant, a rating, an event of one
-- of its complaints).
CREATE TABLE merchant_figures (
    merchant_id BIGINT PRIMARY KEY REFERENCES merchants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    received_30 BIGINT NOT NULL DEFAULT 0,
    received_90 BIGINT NOT NULL DEFAULT 0,
    received_365 BIGINT NOT NULL DEFAULT 0,
    response_decided BIGINT NOT NULL DEFAULT 0,
    responded BIGINT NOT NULL DEFAULT 0,
    responded_on_time BIGINT NOT NULL DEFAULT 0,
    resolution_decided BIGINT NOT NULL DEFAULT 0,
    resolution_met BIGINT NOT NULL DEFAULT 0,
    rating_sum BIGINT NOT NULL DEFAULT 0,
    rating_count BIGINT NOT NULL DEFAULT 0,
    response_known BOOLEAN NOT NULL DEFAULT FALSE,
    response_key BIGINT NOT NULL DEFAULT 0,
    resolution_known BOOLEAN NOT NULL DEFAULT FALSE,
    resolution_key BIGINT NOT NULL DEFAULT 0,
    satisfaction_known BOOLEAN NOT NULL DEFAULT FALSE,
    satisfaction_key BIGINT NOT NULL DEFAULT 0,
    stale BOOLEAN NOT NULL DEFAULT TRUE,
    refreshed_at TIMESTAMP NOT NULL
);
-- One index per sort and direction, so that a page is a range of one
-- (ties by name A to Z, then id, in both directions).
CREATE INDEX merchant_figures_name ON merchant_figures (name, merchant_id);
CREATE INDEX merchant_figures_complaints_up ON merchant_figures (received_30, name, merchant_id);
CREATE INDEX merchant_figures_complaints_down ON merchant_figures (received_30 DESC, name, merchant_id);
CREATE INDEX merchant_figures_response_up ON merchant_figures (response_known DESC, response_key, name, merchant_id);
CREATE INDEX merchant_figures_response_down ON merchant_figures (response_known DESC, response_key DESC, name, merchant_id);
CREATE INDEX merchant_figures_resolution_up ON merchant_figures (resolution_known DESC, resolution_key, name, merchant_id);
CREATE INDEX merchant_figures_resolution_down ON merchant_figures (resolution_known DESC, resolution_key DESC, name, merchant_id);
CREATE INDEX merchant_figures_satisfaction_up ON merchant_figures (satisfaction_known DESC, satisfaction_key, name, merchant_id);
CREATE INDEX merchant_figures_satisfaction_down ON merchant_figures (satisfaction_known DESC, satisfaction_key DESC, name, merchant_id);
-- What the refresh takes next: stale rows, then the oldest.
CREATE INDEX merchant_figures_due ON merchant_figures (stale, refreshed_at);

-- Every merchant so far, to be counted by the first refresh.
INSERT INTO merchant_figures (merchant_id, name, name_key, refreshed_at)
    SELECT id, name, lower(name), TIMESTAMP '1970-01-01 00:00:00' FROM merchants;

-- Where a job got to in a table's ids: the refresh's place in
-- complaint_events.
CREATE TABLE job_positions (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
