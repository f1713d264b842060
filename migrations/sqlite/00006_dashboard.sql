-- +goose Up
-- A coach signed in to the dashboard from one browser. The cookie holds a
-- random token; only its SHA-256 is stored. A session ends when it is
-- revoked (sign-out), when it has been idle too long (last_seen_at) or at
-- expires_at, whichever comes first.
CREATE TABLE coach_sessions (
    id           INTEGER PRIMARY KEY,
    coach_id     BIGINT NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX coach_sessions_coach ON coach_sessions (coach_id);

-- +goose Down
DROP TABLE coach_sessions;
