-- A flag raised by complaint volume alone is no longer public until a
-- supervisor confirms it: merchants whose pending flag has no other reason
-- (no breaches, no upheld rulings) show no supervision status again.
UPDATE merchants SET supervision = 'none'
WHERE supervision = 'flagged'
  AND id IN (SELECT merchant_id FROM merchant_flags WHERE state = 'flagged')
  AND id NOT IN (
    SELECT merchant_id FROM merchant_flags
    WHERE state = 'flagged' AND (reasons LIKE '%breaches|%' OR reasons LIKE '%upheld_fraud|%')
  );
