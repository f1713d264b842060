-- +goose Up
-- A session's revision counts the changes to what a booking of it reads:
-- the session itself (all but its count of seats taken), its event, the
-- event's hosts, questions and ticket types, the session's waitlist, and
-- the tax and privacy settings of the event's hosts. A booking batch may
-- then read all of that before it locks anything and check, in the one
-- guarded update that takes its seats, that the revision is still the one
-- it read (booking/session_batch.go). The database keeps the count, so
-- no edit, today's or a later one, can forget to.
ALTER TABLE sessions ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

-- Any update of a session that leaves its count alone changes what a
-- booking reads (a column added later included); updates of the count
-- alone (the bookings themselves, and the seats a cancellation gives back)
-- do not, and the guard checks the count. An update of the count together
-- with any other column but updated_at is a change too.
-- +goose StatementBegin
CREATE FUNCTION session_revised() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER sessions_revised BEFORE UPDATE ON sessions FOR EACH ROW
    WHEN (NEW.revision = OLD.revision AND (NEW.seats_taken = OLD.seats_taken OR
          (NEW.event_id, NEW.starts_at, NEW.ends_at, NEW.capacity, NEW.status, NEW.sequence, NEW.created_at)
          IS DISTINCT FROM
          (OLD.event_id, OLD.starts_at, OLD.ends_at, OLD.capacity, OLD.status, OLD.sequence, OLD.created_at)))
    EXECUTE FUNCTION session_revised();

-- +goose StatementBegin
CREATE FUNCTION revise_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    CASE TG_ARGV[0]
    WHEN 'event' THEN
        UPDATE sessions SET revision = revision + 1 WHERE event_id = r.id;
    WHEN 'event_id' THEN
        UPDATE sessions SET revision = revision + 1 WHERE event_id = r.event_id;
    WHEN 'session_id' THEN
        UPDATE sessions SET revision = revision + 1 WHERE id = r.session_id;
    WHEN 'coach_id' THEN
        UPDATE sessions SET revision = revision + 1
        WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = r.coach_id);
    END CASE;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER events_revise_sessions AFTER UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION revise_sessions('event');
CREATE TRIGGER event_hosts_revise_sessions AFTER INSERT OR UPDATE OR DELETE ON event_hosts
    FOR EACH ROW EXECUTE FUNCTION revise_sessions('event_id');
CREATE TRIGGER questions_revise_sessions AFTER INSERT OR UPDATE OR DELETE ON questions
    FOR EACH ROW EXECUTE FUNCTION revise_sessions('event_id');
CREATE TRIGGER ticket_types_revise_sessions AFTER INSERT OR DELETE ON ticket_types
    FOR EACH ROW EXECUTE FUNCTION revise_sessions('event_id');
-- A ticket type's count of sold tickets moves with bookings, like a session's seats.
CREATE TRIGGER ticket_types_revised_sessions AFTER UPDATE ON ticket_types
    FOR EACH ROW WHEN (NEW.sold = OLD.sold) EXECUTE FUNCTION revise_sessions('event_id');
CREATE TRIGGER waitlist_revises_session AFTER INSERT OR UPDATE OR DELETE ON waitlist
    FOR EACH ROW EXECUTE FUNCTION revise_sessions('session_id');
CREATE TRIGGER coach_tax_revises_sessions AFTER INSERT OR UPDATE OR DELETE ON coach_tax
    FOR EACH ROW EXECUTE FUNCTION revise_sessions('coach_id');
CREATE TRIGGER coach_privacy_revises_sessions AFTER INSERT OR UPDATE OR DELETE ON coach_privacy
    FOR EACH ROW EXECUTE FUNCTION revise_sessions('coach_id');

-- +goose Down
DROP TRIGGER coach_privacy_revises_sessions ON coach_privacy;
DROP TRIGGER coach_tax_revises_sessions ON coach_tax;
DROP TRIGGER waitlist_revises_session ON waitlist;
DROP TRIGGER ticket_types_revised_sessions ON ticket_types;
DROP TRIGGER ticket_types_revise_sessions ON ticket_types;
DROP TRIGGER questions_revise_sessions ON questions;
DROP TRIGGER event_hosts_revise_sessions ON event_hosts;
DROP TRIGGER events_revise_sessions ON events;
DROP FUNCTION revise_sessions();
DROP TRIGGER sessions_revised ON sessions;
DROP FUNCTION session_revised();
ALTER TABLE sessions DROP COLUMN revision;
