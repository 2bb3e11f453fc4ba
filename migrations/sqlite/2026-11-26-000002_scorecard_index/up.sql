-- The public scorecard counts a merchant's year from one index: every
-- column its figures read is in it, so the count never reads the
-- complaints themselves. It starts as complaints_merchant_submitted did,
-- which it replaces.
CREATE INDEX complaints_merchant_figures ON complaints
    (merchant_id, submitted_at, responded_at, response_due_at, resolution_met_at, resolution_due_at);
DROP INDEX complaints_merchant_submitted;

-- And its satisfaction figure from one index over the ratings.
CREATE INDEX ratings_merchant_scores ON ratings (merchant_id, rated_at, score);
DROP INDEX ratings_merchant;
