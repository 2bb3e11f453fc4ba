-- Six-digit codes that prove a phone number (DESIGN.md, "Reaching the
-- consumer"): on the complaint form and at /my. Only a keyed hash of the
-- code is kept (HMAC-SHA-256 under a key derived from the session key,
-- over the number and the code). A code expires, is used once, takes at
-- most five answers; sends are counted here per number and per client
-- address, so that every instance counts the same.
CREATE TABLE phone_codes (
    id INTEGER PRIMARY KEY NOT NULL,
    -- The number's 11 digits.
    phone TEXT NOT NULL,
    -- 'complaint' or 'my'.
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    -- The client address that asked for it.
    address TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at TIMESTAMP
);
CREATE INDEX phone_codes_phone ON phone_codes (phone, created_at);
CREATE INDEX phone_codes_address ON phone_codes (address, created_at);

-- /my lists a number's complaints: a range of this index, not a scan.
-- (It costs each complaint filed one more index entry.)
CREATE INDEX complaints_consumer_phone ON complaints (consumer_phone, submitted_at)
    WHERE consumer_phone IS NOT NULL;
