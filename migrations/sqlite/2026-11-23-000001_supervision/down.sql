DROP INDEX complaints_merchant_ruled;
DROP INDEX complaints_merchant_resolution_breach;
DROP INDEX complaints_merchant_response_breach;
DROP INDEX complaints_merchant_submitted;
DROP TABLE ratings;
DROP TABLE appeals;
DROP TABLE merchant_actions;
DROP TABLE merchant_flags;
