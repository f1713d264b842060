-- +goose Up
CREATE TABLE coaches (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE coach_tokens (
    id           INTEGER PRIMARY KEY,
    coach_id     BIGINT NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('api', 'feed')),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX coach_tokens_coach ON coach_tokens (coach_id);

CREATE TABLE events (
    id                          INTEGER PRIMARY KEY,
    slug                        TEXT NOT NULL UNIQUE,
    title                       TEXT NOT NULL,
    summary                     TEXT NOT NULL,
    description                 TEXT NOT NULL,
    timezone                    TEXT NOT NULL,
    location                    TEXT NOT NULL,
    online_url                  TEXT NOT NULL,
    price_cents                 BIGINT NOT NULL CHECK (price_cents >= 0),
    currency                    TEXT NOT NULL,
    status                      TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    reminder_offsets_minutes    TEXT NOT NULL,
    registration_cutoff_minutes INTEGER NOT NULL,
    created_at                  TIMESTAMP NOT NULL,
    updated_at                  TIMESTAMP NOT NULL
);

CREATE TABLE event_hosts (
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    coach_id BIGINT NOT NULL REFERENCES coaches(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, coach_id)
);
CREATE INDEX event_hosts_coach ON event_hosts (coach_id);

-- seats_taken counts the seats of live bookings (held, pending payment,
-- confirmed); the booking package moves it with guarded updates and the
-- CHECK is the last line of defence against overselling.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    event_id    BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity >= 1),
    seats_taken INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= capacity),
    status      TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    sequence    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_event ON sessions (event_id, starts_at);
CREATE INDEX sessions_starts ON sessions (starts_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE event_hosts;
DROP TABLE events;
DROP TABLE coach_tokens;
DROP TABLE coaches;
