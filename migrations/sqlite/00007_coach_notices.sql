-- +goose Up
-- Whether a coach gets an email for each new booking and cancellation on
-- the events they host.
ALTER TABLE coaches ADD COLUMN notify_bookings BOOLEAN NOT NULL DEFAULT TRUE;

-- +goose Down
ALTER TABLE coaches DROP COLUMN notify_bookings;
