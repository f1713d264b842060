-- +goose Up
-- Discount codes (issue #20). uses is a guarded counter: taking a use is
-- one UPDATE whose WHERE clause checks max_uses, in the booking's
-- transaction, so a limit of 10 is never passed under any concurrency (the
-- CHECK makes it physical); a cancelled booking gives its use back.
-- A code is a coach's: for all events the coach hosts (all_events) or for
-- the events listed in discount_code_events. amount_off_cents applies in
-- currency only.
CREATE TABLE discount_codes (
    id               INTEGER PRIMARY KEY,
    coach_id         BIGINT NOT NULL REFERENCES coaches(id),
    code             TEXT NOT NULL,
    percent_off      INTEGER CHECK (percent_off BETWEEN 0 AND 100),
    amount_off_cents BIGINT CHECK (amount_off_cents >= 0),
    currency         TEXT NOT NULL DEFAULT '',
    max_uses         INTEGER CHECK (max_uses >= 0),
    uses             INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    once_per_email   BOOLEAN NOT NULL DEFAULT FALSE,
    all_events       BOOLEAN NOT NULL,
    valid_from       TIMESTAMP,
    valid_until      TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (coach_id, code),
    CHECK ((percent_off IS NULL) <> (amount_off_cents IS NULL))
);
CREATE INDEX discount_codes_code ON discount_codes (code);

CREATE TABLE discount_code_events (
    code_id  BIGINT NOT NULL REFERENCES discount_codes(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (code_id, event_id)
);

-- One row per booking that used a code. once_key is "<code id>:<email>"
-- while the use counts for a code that is once per email, NULL otherwise:
-- its uniqueness refuses a second use by the same email under any
-- concurrency. released_at is set when a cancelled booking gives the use
-- back (and once_key is cleared then).
CREATE TABLE discount_uses (
    id          INTEGER PRIMARY KEY,
    code_id     BIGINT NOT NULL REFERENCES discount_codes(id),
    booking_id  BIGINT NOT NULL UNIQUE REFERENCES bookings(id) ON DELETE CASCADE,
    once_key    TEXT UNIQUE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    created_at  TIMESTAMP NOT NULL,
    released_at TIMESTAMP
);
CREATE INDEX discount_uses_code ON discount_uses (code_id);

-- +goose Down
DROP TABLE discount_uses;
DROP TABLE discount_code_events;
DROP TABLE discount_codes;
