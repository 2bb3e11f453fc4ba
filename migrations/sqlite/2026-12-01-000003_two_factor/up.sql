-- TOTP two-factor sign-in for staff (RFC 6238).

-- One row per enrolled account. The secret cannot be hashed (the server
-- must compute codes from it), so it is sealed: AES-256-GCM under a key
-- derived from the session key, the account's id as associated data.
CREATE TABLE two_factor (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sealed_secret TEXT NOT NULL,
    -- The last time step whose code was accepted: a code of that step or
    -- an earlier one is refused (no replay).
    last_step BIGINT NOT NULL,
    -- Each correct password starts a new round; a code answers one round.
    round BIGINT NOT NULL DEFAULT 0,
    -- Wrong codes in this round (5 end it).
    round_failures INTEGER NOT NULL DEFAULT 0,
    -- Wrong codes since window_start (the account's throttle, over rounds).
    window_failures INTEGER NOT NULL DEFAULT 0,
    window_start TIMESTAMP NOT NULL,
    enrolled_at TIMESTAMP NOT NULL
);

-- One-time recovery codes, as SHA-256 hex of the normalised code.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, code_hash);
