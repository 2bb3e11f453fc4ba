DROP INDEX login_failures_at;
DROP INDEX login_failures_account_address;
DROP TABLE sign_in_addresses;
DROP TABLE sessions;
