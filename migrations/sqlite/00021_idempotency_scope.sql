-- +goose Up
-- An Idempotency-Key is scoped to the client that sent it (issue #14):
-- the same key from another client is another request, never a replay of
-- someone else's booking. The table is rebuilt with the scope in its
-- primary key; keys recorded before have the empty scope, which no new
-- request has, so they simply expire.
CREATE TABLE idempotency_keys_scoped (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    booking_id   BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);
INSERT INTO idempotency_keys_scoped (scope, key, request_hash, booking_id, created_at)
SELECT '', key, request_hash, booking_id, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_scoped RENAME TO idempotency_keys;

-- +goose Down
CREATE TABLE idempotency_keys_unscoped (
    key          TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    booking_id   BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL
);
INSERT INTO idempotency_keys_unscoped (key, request_hash, booking_id, created_at)
SELECT key, MIN(request_hash), MIN(booking_id), MIN(created_at) FROM idempotency_keys GROUP BY key;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_unscoped RENAME TO idempotency_keys;
