-- +goose Up
-- payment_events holds every payment provider event Roster has applied. The
-- booking package records an event in the same transaction as the change
-- the event causes, so a redelivered event finds its id here and is
-- applied at most once; if that transaction rolls back, so does the record,
-- and the redelivery is applied instead.
CREATE TABLE payment_events (
    event_id    TEXT PRIMARY KEY,            -- evt_... (Stripe) or offline_evt_...
    type        TEXT NOT NULL,               -- checkout.session.completed, ...
    booking_ref TEXT NOT NULL,               -- '' when the event names no booking
    received_at TIMESTAMPTZ NOT NULL,
    outcome     TEXT NOT NULL                -- what applying it did, for the webhook log
);
CREATE INDEX payment_events_received ON payment_events (received_at);

-- +goose Down
DROP TABLE payment_events;
