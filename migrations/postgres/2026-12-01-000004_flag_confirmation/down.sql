-- Every pending flag public again, as before.
UPDATE merchants SET supervision = 'flagged'
WHERE supervision = 'none'
  AND id IN (SELECT merchant_id FROM merchant_flags WHERE state = 'flagged');
