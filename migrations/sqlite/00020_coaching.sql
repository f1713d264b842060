-- +goose NO TRANSACTION
-- +goose Up
-- 1:1 coaching: appointment types, coaches' availability and busy feeds,
-- and appointments. An appointment is a booking with no session: it shares
-- refs, manage tokens, payments, refunds, history and the outbox with seat
-- bookings, and its time and hosts live in appointments/appointment_hosts.
--
-- SQLite cannot drop NOT NULL from bookings.session_id/event_id in place,
-- so bookings is rebuilt (https://sqlite.org/lang_altertable.html, section
-- 7). That needs foreign keys off, which SQLite ignores inside a
-- transaction, hence NO TRANSACTION: this runs on the migration pool's one
-- connection (sqldb's SQLite writer, MaxOpenConns 1), so the pragma holds
-- for every statement here. With foreign keys on, DROP TABLE bookings would
-- cascade-delete every manage token, history row and idempotency key.
-- The copy names every column bookings has after 00001-00007: a migration
-- numbered below 00020 that adds a bookings column must add it here too.
PRAGMA foreign_keys = OFF;

BEGIN;
CREATE TABLE bookings_new (
    id              INTEGER PRIMARY KEY,
    ref             TEXT NOT NULL UNIQUE,
    session_id      BIGINT REFERENCES sessions(id),
    event_id        BIGINT REFERENCES events(id),
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
    checked_in_at   TIMESTAMP,
    CHECK ((live_key IS NULL) = (status NOT IN ('pending_payment', 'confirmed'))),
    CONSTRAINT bookings_session_or_appointment CHECK ((session_id IS NULL) = (event_id IS NULL))
);
INSERT INTO bookings_new (id, ref, session_id, event_id, name, email, seats, status, live_key, form_nonce,
    amount_cents, currency, hold_expires_at, payment_ref, payment_intent, refunded_cents, answers, sequence,
    created_at, updated_at, checked_in_at)
SELECT id, ref, session_id, event_id, name, email, seats, status, live_key, form_nonce,
    amount_cents, currency, hold_expires_at, payment_ref, payment_intent, refunded_cents, answers, sequence,
    created_at, updated_at, checked_in_at
FROM bookings;
DROP TABLE bookings;
ALTER TABLE bookings_new RENAME TO bookings;
CREATE INDEX bookings_session ON bookings (session_id, status);
CREATE INDEX bookings_holds ON bookings (status, hold_expires_at);
CREATE INDEX bookings_payment_ref ON bookings (payment_ref);

CREATE TABLE appointment_types (
    id                       INTEGER PRIMARY KEY,
    slug                     TEXT NOT NULL UNIQUE,
    title                    TEXT NOT NULL,
    description              TEXT NOT NULL,
    duration_minutes         INTEGER NOT NULL CHECK (duration_minutes >= 1),
    price_cents              BIGINT NOT NULL CHECK (price_cents >= 0),
    currency                 TEXT NOT NULL,
    location                 TEXT NOT NULL,
    online_url               TEXT NOT NULL,
    assignment               TEXT NOT NULL CHECK (assignment IN ('any', 'all')),
    buffer_before_minutes    INTEGER NOT NULL CHECK (buffer_before_minutes >= 0),
    buffer_after_minutes     INTEGER NOT NULL CHECK (buffer_after_minutes >= 0),
    min_notice_minutes       INTEGER NOT NULL CHECK (min_notice_minutes >= 0),
    horizon_days             INTEGER NOT NULL CHECK (horizon_days BETWEEN 1 AND 730),
    slot_interval_minutes    INTEGER NOT NULL CHECK (slot_interval_minutes >= 0),
    max_per_day              INTEGER NOT NULL CHECK (max_per_day >= 0),
    reminder_offsets_minutes TEXT NOT NULL,
    refund_cutoff_hours      INTEGER NOT NULL CHECK (refund_cutoff_hours >= 0),
    status                   TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL
);

CREATE TABLE appointment_type_hosts (
    appointment_type_id BIGINT NOT NULL REFERENCES appointment_types(id) ON DELETE CASCADE,
    coach_id            BIGINT NOT NULL REFERENCES coaches(id),
    position            INTEGER NOT NULL,
    PRIMARY KEY (appointment_type_id, coach_id)
);
CREATE INDEX appointment_type_hosts_coach ON appointment_type_hosts (coach_id);

-- A coach's weekly hours and date overrides, read on the wall clock of
-- timezone; weekly and overrides are the JSON of availability.Rules.
CREATE TABLE coach_availability (
    coach_id      BIGINT PRIMARY KEY REFERENCES coaches(id) ON DELETE CASCADE,
    timezone      TEXT NOT NULL,
    weekly        TEXT NOT NULL,
    overrides     TEXT NOT NULL,
    busy_feed_url TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMP NOT NULL
);

-- The busy times last read from a coach's busy feed, replaced whole on
-- every successful fetch.
CREATE TABLE coach_feed_busy (
    id         INTEGER PRIMARY KEY,
    coach_id   BIGINT NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
    busy_from  TIMESTAMP NOT NULL,
    busy_to    TIMESTAMP NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    CHECK (busy_to > busy_from)
);
CREATE INDEX coach_feed_busy_coach ON coach_feed_busy (coach_id, busy_from);

-- An appointment is a booking (bookings row with no session) at a time.
-- timezone is the client's zone, used in the client's emails.
CREATE TABLE appointments (
    booking_id          BIGINT PRIMARY KEY REFERENCES bookings(id) ON DELETE CASCADE,
    appointment_type_id BIGINT NOT NULL REFERENCES appointment_types(id),
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP NOT NULL,
    timezone            TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX appointments_type ON appointments (appointment_type_id, starts_at);

-- One row per coach who attends an appointment: the call with its type's
-- buffers, live while the booking is. SQLite has no exclusion constraint;
-- its single writer serialises bookings, and each booking checks for
-- overlap inside its transaction (see booking/appointment_store.go).
CREATE TABLE appointment_hosts (
    booking_id BIGINT NOT NULL REFERENCES appointments(booking_id) ON DELETE CASCADE,
    coach_id   BIGINT NOT NULL REFERENCES coaches(id),
    busy_from  TIMESTAMP NOT NULL,
    busy_to    TIMESTAMP NOT NULL,
    live       BOOLEAN NOT NULL,
    PRIMARY KEY (booking_id, coach_id),
    CHECK (busy_to > busy_from)
);
CREATE INDEX appointment_hosts_coach ON appointment_hosts (coach_id, busy_from);
COMMIT;

PRAGMA foreign_keys = ON;

-- +goose Down
-- bookings keeps its nullable columns: rebuilding it back would delete
-- appointment bookings, and seat bookings never use the NULLs.
DROP TABLE appointment_hosts;
DROP TABLE appointments;
DROP TABLE coach_feed_busy;
DROP TABLE coach_availability;
DROP TABLE appointment_type_hosts;
DROP TABLE appointment_types;
