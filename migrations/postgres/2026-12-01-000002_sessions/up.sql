-- Staff sessions kept on the server, so that signing out, a password
-- change and "sign out everywhere" end them. The cookie carries a random
-- id; only its SHA-256 (hex) is stored.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);

-- The addresses each account has signed in from: the correct password
-- from one of them passes the account's slowdown after failures elsewhere.
CREATE TABLE sign_in_addresses (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    last_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, address)
);

-- The throttle counts failures of one account from one address too.
CREATE INDEX login_failures_account_address ON login_failures (account, address, at);
CREATE INDEX login_failures_at ON login_failures (at);
