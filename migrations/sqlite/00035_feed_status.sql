-- +goose Up
-- How a coach's busy feed was last read, shown to the coach: when, and the
-- problem if the read failed ('' when it worked).
ALTER TABLE coach_availability ADD COLUMN feed_checked_at TIMESTAMP;
ALTER TABLE coach_availability ADD COLUMN feed_error TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE coach_availability DROP COLUMN feed_error;
ALTER TABLE coach_availability DROP COLUMN feed_checked_at;
