-- +goose Up
-- Personal data (issue #21). What each coach tells attendees about their
-- data and how long it is kept: the privacy notice, the consent texts
-- (version goes up whenever either text changes, so a consent names the
-- words agreed to), the grace before an attendee's erasure request is
-- carried out, and how long attendees' data is kept after their date.
CREATE TABLE coach_privacy (
    coach_id         BIGINT PRIMARY KEY REFERENCES coaches(id) ON DELETE CASCADE,
    notice_url       TEXT NOT NULL DEFAULT '',
    terms            TEXT NOT NULL DEFAULT '',
    require_consent  BOOLEAN NOT NULL DEFAULT FALSE,
    marketing_text   TEXT NOT NULL DEFAULT '',
    text_version     INTEGER NOT NULL DEFAULT 1 CHECK (text_version >= 1),
    erase_after_days INTEGER NOT NULL DEFAULT 30 CHECK (erase_after_days BETWEEN 0 AND 30),
    retention_days   INTEGER NOT NULL DEFAULT 365 CHECK (retention_days BETWEEN 30 AND 3650),
    updated_at       TIMESTAMP NOT NULL
);

-- A consent an attendee gave (or, for marketing, declined) when booking:
-- the exact text beside the box and its version. No personal data of its
-- own: it is kept, as proof, when the booking is anonymised.
CREATE TABLE booking_consents (
    id           INTEGER PRIMARY KEY,
    booking_id   BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('terms', 'marketing')),
    granted      BOOLEAN NOT NULL,
    coach_id     BIGINT NOT NULL,
    text_version INTEGER NOT NULL,
    text         TEXT NOT NULL,
    notice_url   TEXT NOT NULL,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX booking_consents_booking ON booking_consents (booking_id);

-- An attendee's request to be erased, made with a booking's manage token;
-- carried out when a coach confirms it or at erase_after.
CREATE TABLE erasure_requests (
    id           INTEGER PRIMARY KEY,
    booking_id   BIGINT NOT NULL REFERENCES bookings(id),
    coach_id     BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'done')),
    requested_at TIMESTAMP NOT NULL,
    erase_after  TIMESTAMP NOT NULL,
    done_at      TIMESTAMP
);
CREATE INDEX erasure_requests_due ON erasure_requests (status, erase_after);

-- The record of exports and erasures: who, when, what, never the data.
CREATE TABLE privacy_log (
    id           INTEGER PRIMARY KEY,
    action       TEXT NOT NULL,
    actor        TEXT NOT NULL,
    coach_id     BIGINT,
    booking_refs TEXT NOT NULL DEFAULT '',
    rows_changed INTEGER NOT NULL DEFAULT 0,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX privacy_log_at ON privacy_log (at);

-- +goose Down
DROP TABLE privacy_log;
DROP TABLE erasure_requests;
DROP TABLE booking_consents;
DROP TABLE coach_privacy;
