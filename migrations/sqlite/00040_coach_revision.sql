-- +goose Up
-- A booking's emails show its event's hosts as the coaches table has them
-- (see PostgreSQL's 00040, which says why).
-- +goose StatementBegin
CREATE TRIGGER coaches_revise_sessions AFTER UPDATE ON coaches FOR EACH ROW
    WHEN NEW.name IS NOT OLD.name OR NEW.email IS NOT OLD.email OR NEW.notify_bookings IS NOT OLD.notify_bookings
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER coaches_revise_sessions;
