-- +goose Up
-- live_key is "<session id>:<email>" while a booking is live and NULL after,
-- so the unique index refuses a second live booking for the same person and
-- date however the requests interleave.
CREATE TABLE bookings (
    id              INTEGER PRIMARY KEY,
    ref             TEXT NOT NULL UNIQUE,
    session_id      BIGINT NOT NULL REFERENCES sessions(id),
    event_id        BIGINT NOT NULL REFERENCES events(id),
    name            TEXT NOT NULL,
    email           TEXT NOT NULL,
    seats           INTEGER NOT NULL CHECK (seats >= 1),
    status          TEXT NOT NULL CHECK (status IN ('pending_payment', 'confirmed', 'cancelled', 'expired', 'refunded')),
    live_key        TEXT UNIQUE,
    form_nonce      TEXT UNIQUE,
    amount_cents    BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency        TEXT NOT NULL,
    hold_expires_at TIMESTAMP,
    payment_ref     TEXT NOT NULL DEFAULT '',
    payment_intent  TEXT NOT NULL DEFAULT '',
    refunded_cents  BIGINT NOT NULL DEFAULT 0,
    answers         TEXT NOT NULL DEFAULT '{}',
    sequence        INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK ((live_key IS NULL) = (status NOT IN ('pending_payment', 'confirmed')))
);
CREATE INDEX bookings_session ON bookings (session_id, status);
CREATE INDEX bookings_holds ON bookings (status, hold_expires_at);
CREATE INDEX bookings_payment_ref ON bookings (payment_ref);

CREATE TABLE booking_tokens (
    id         INTEGER PRIMARY KEY,
    booking_id BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX booking_tokens_booking ON booking_tokens (booking_id);

-- Append-only: every status change with its reason, so an attendee's story
-- can be told.
CREATE TABLE booking_history (
    id          INTEGER PRIMARY KEY,
    booking_id  BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    session_id  BIGINT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX booking_history_booking ON booking_history (booking_id, id);

CREATE TABLE waitlist (
    id               INTEGER PRIMARY KEY,
    session_id       BIGINT NOT NULL REFERENCES sessions(id),
    event_id         BIGINT NOT NULL REFERENCES events(id),
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    seats            INTEGER NOT NULL CHECK (seats >= 1),
    status           TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'claimed', 'offer_expired', 'left')),
    live_key         TEXT UNIQUE,
    offer_expires_at TIMESTAMP,
    claim_token_hash TEXT UNIQUE,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX waitlist_queue ON waitlist (session_id, status, id);

CREATE TABLE questions (
    id       INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('short_text', 'long_text', 'single_choice', 'checkbox')),
    label    TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    options  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_event ON questions (event_id, position);

CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    booking_id   BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE questions;
DROP TABLE waitlist;
DROP TABLE booking_history;
DROP TABLE booking_tokens;
DROP TABLE bookings;
