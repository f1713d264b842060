-- +goose Up
-- The network address a hold or waitlist entry was asked for from, so that
-- seats held without payment can be capped per address as well as per
-- email. '' for rows made before this migration and by coaches.
ALTER TABLE bookings ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE waitlist ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';
CREATE INDEX bookings_open_by_addr ON bookings (client_addr, status);
CREATE INDEX bookings_open_by_email ON bookings (email, status);
CREATE INDEX waitlist_open_by_addr ON waitlist (client_addr, status);
CREATE INDEX waitlist_open_by_email ON waitlist (email, status);

-- When a booking's manage link was last sent again to someone who tried to
-- book the same date with the same email: at most once per 10 minutes.
ALTER TABLE bookings ADD COLUMN link_resent_at TIMESTAMP;

-- +goose Down
ALTER TABLE bookings DROP COLUMN link_resent_at;
DROP INDEX waitlist_open_by_email;
DROP INDEX waitlist_open_by_addr;
DROP INDEX bookings_open_by_email;
DROP INDEX bookings_open_by_addr;
ALTER TABLE waitlist DROP COLUMN client_addr;
ALTER TABLE bookings DROP COLUMN client_addr;
