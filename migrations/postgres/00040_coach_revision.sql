-- +goose Up
-- A booking's emails show its event's hosts as the coaches table has them
-- (name, email, whether they want an email per booking: events.Host), and
-- a date's batches remember what they read while its revision stands
-- (00038). A change to those columns raises the revision of every date of
-- the events the coach hosts, as a change to their tax or privacy does.
-- +goose StatementBegin
CREATE FUNCTION coach_revises_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = NEW.id);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER coaches_revise_sessions AFTER UPDATE ON coaches FOR EACH ROW
    WHEN ((NEW.name, NEW.email, NEW.notify_bookings) IS DISTINCT FROM (OLD.name, OLD.email, OLD.notify_bookings))
    EXECUTE FUNCTION coach_revises_sessions();

-- +goose Down
DROP TRIGGER coaches_revise_sessions ON coaches;
DROP FUNCTION coach_revises_sessions();
