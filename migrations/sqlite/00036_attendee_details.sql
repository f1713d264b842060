-- +goose Up
-- The visitor's own time zone, given when they booked (empty when not
-- known): their emails show times in it beside the event's zone.
ALTER TABLE bookings ADD COLUMN timezone TEXT NOT NULL DEFAULT '';

-- What a coach's receipts print under their name: a postal address, one
-- line per line. A coach without a row has printed none.
CREATE TABLE coach_receipt_details (
    coach_id BIGINT PRIMARY KEY REFERENCES coaches(id) ON DELETE CASCADE,
    address  TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE coach_receipt_details;
ALTER TABLE bookings DROP COLUMN timezone;
