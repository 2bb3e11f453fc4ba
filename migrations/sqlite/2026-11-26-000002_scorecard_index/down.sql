CREATE INDEX ratings_merchant ON ratings (merchant_id, rated_at);
DROP INDEX ratings_merchant_scores;
CREATE INDEX complaints_merchant_submitted ON complaints (merchant_id, submitted_at);
DROP INDEX complaints_merchant_figures;
