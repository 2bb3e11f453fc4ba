-- Live commerce itself (DESIGN.md): a merchant's live rooms, hosts,
-- products and live sessions; complaints that name them; measures on each
-- as on the merchant; repeat-offender flags about hosts and products.

-- Where a merchant sells: platform slug, the room's name, its id or link.
CREATE TABLE live_rooms (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    platform TEXT NOT NULL,
    name TEXT NOT NULL,
    room_ref TEXT NOT NULL,
    -- 'active', 'limited' (限流) or 'cut' (断播): kept with the measure
    -- that set it, in the same transaction.
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX live_rooms_merchant ON live_rooms (merchant_id, id);
CREATE UNIQUE INDEX live_rooms_ref ON live_rooms (merchant_id, platform, room_ref);

-- Who sells (主播): the real name is shown masked to all but supervisors.
CREATE TABLE hosts (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    display_name TEXT NOT NULL,
    real_name TEXT NOT NULL,
    -- 'own_staff' (店播) or 'influencer' (达人).
    kind TEXT NOT NULL,
    agency TEXT,
    medical_staff BOOLEAN NOT NULL DEFAULT FALSE,
    -- 'active' or 'banned'.
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX hosts_merchant ON hosts (merchant_id, id);

-- What is sold, reviewed before it may be featured.
CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    claims TEXT NOT NULL,
    licence TEXT,
    -- 'pending', 'approved', 'rejected' or 'delisted'.
    review TEXT NOT NULL DEFAULT 'pending',
    -- Why it was rejected or delisted.
    review_reason TEXT,
    reviewed_at TIMESTAMP,
    reviewed_by BIGINT REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL
);
CREATE INDEX products_merchant ON products (merchant_id, id);
-- The review queue, oldest first: a range of this index.
CREATE INDEX products_review ON products (review, submitted_at);

-- A live session (场次): a room, a host, when, and what it featured.
CREATE TABLE live_sessions (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants (id),
    room_id BIGINT NOT NULL REFERENCES live_rooms (id),
    host_id BIGINT NOT NULL REFERENCES hosts (id),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX live_sessions_merchant ON live_sessions (merchant_id, started_at);

CREATE TABLE session_products (
    session_id BIGINT NOT NULL REFERENCES live_sessions (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    PRIMARY KEY (session_id, product_id)
);
CREATE INDEX session_products_product ON session_products (product_id);

-- What a complaint names. The session's room and host are copied onto the
-- complaint when it is filed, so that counting a host's or a room's
-- complaints in a window is a range over one index.
ALTER TABLE complaints ADD COLUMN product_id BIGINT REFERENCES products (id);
ALTER TABLE complaints ADD COLUMN live_session_id BIGINT REFERENCES live_sessions (id);
ALTER TABLE complaints ADD COLUMN room_id BIGINT REFERENCES live_rooms (id);
ALTER TABLE complaints ADD COLUMN host_id BIGINT REFERENCES hosts (id);
CREATE INDEX complaints_product_submitted ON complaints (product_id, submitted_at) WHERE product_id IS NOT NULL;
CREATE INDEX complaints_session_submitted ON complaints (live_session_id, submitted_at)
    WHERE live_session_id IS NOT NULL;
CREATE INDEX complaints_room_submitted ON complaints (room_id, submitted_at) WHERE room_id IS NOT NULL;
CREATE INDEX complaints_host_submitted ON complaints (host_id, submitted_at) WHERE host_id IS NOT NULL;

-- Measures on a product (delist), a room (limit, cut) or a host (ban) are
-- actions like those on the merchant, so appeals work alike: `target`
-- says what the action is on ('merchant', 'product', 'room', 'host'),
-- `target_id` which one (NULL for the merchant itself).
ALTER TABLE merchant_actions ADD COLUMN target TEXT NOT NULL DEFAULT 'merchant';
ALTER TABLE merchant_actions ADD COLUMN target_id BIGINT;
CREATE INDEX merchant_actions_target ON merchant_actions (target, target_id, id) WHERE target_id IS NOT NULL;

-- Repeat-offender flags about a host or a product as about a merchant:
-- `subject` ('merchant', 'host', 'product') and `subject_id` (NULL for the
-- merchant itself); `merchant_id` is always the owner.
ALTER TABLE merchant_flags ADD COLUMN subject TEXT NOT NULL DEFAULT 'merchant';
ALTER TABLE merchant_flags ADD COLUMN subject_id BIGINT;
CREATE INDEX merchant_flags_subject ON merchant_flags (subject, subject_id, id) WHERE subject_id IS NOT NULL;

-- A mobile number for the merchant's notices by SMS (optional).
ALTER TABLE merchants ADD COLUMN phone TEXT;
