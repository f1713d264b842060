-- +goose Up
-- The email outbox: every message is written here in the transaction of the
-- change that causes it, and a delivery worker sends it later. booking_ref is
-- plain text, not a foreign key, so the outbox stands apart from the booking
-- tables (and keeps a message's history after its booking is gone).
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    dedupe_key    TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    booking_ref   TEXT,
    to_addr       TEXT NOT NULL,
    to_name       TEXT NOT NULL,
    reply_to      TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL,
    text_body     TEXT NOT NULL,
    html_body     TEXT NOT NULL,
    ics           TEXT,
    ics_method    TEXT NOT NULL DEFAULT '' CHECK (ics_method IN ('', 'REQUEST', 'CANCEL', 'PUBLISH')),
    message_token TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    send_after    TIMESTAMP NOT NULL,
    lease_until   TIMESTAMP,
    last_error    TEXT NOT NULL DEFAULT '',
    sent_at       TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, send_after);
CREATE INDEX outbox_booking ON outbox (booking_ref);

-- +goose Down
DROP TABLE outbox;
