-- +goose Up
-- A session's revision counts the changes to what a booking of it reads
-- (see PostgreSQL's 00038, which says why). On SQLite a booking batch
-- holds the database's only writer from its start, so nothing can change
-- under it; the revision is kept all the same, by the same rules, so the
-- batch's check reads alike on both databases.
ALTER TABLE sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE TRIGGER sessions_revised AFTER UPDATE ON sessions FOR EACH ROW
    WHEN NEW.revision = OLD.revision AND (NEW.seats_taken = OLD.seats_taken OR
        NEW.event_id IS NOT OLD.event_id OR NEW.starts_at IS NOT OLD.starts_at OR NEW.ends_at IS NOT OLD.ends_at OR
        NEW.capacity IS NOT OLD.capacity OR NEW.status IS NOT OLD.status OR NEW.sequence IS NOT OLD.sequence OR
        NEW.created_at IS NOT OLD.created_at)
BEGIN
    UPDATE sessions SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_revise_sessions AFTER UPDATE ON events FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_hosts_added_revise_sessions AFTER INSERT ON event_hosts FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id = NEW.event_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_hosts_changed_revise_sessions AFTER UPDATE ON event_hosts FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id IN (OLD.event_id, NEW.event_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_hosts_removed_revise_sessions AFTER DELETE ON event_hosts FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id = OLD.event_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER questions_added_revise_sessions AFTER INSERT ON questions FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id = NEW.event_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER questions_changed_revise_sessions AFTER UPDATE ON questions FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id IN (OLD.event_id, NEW.event_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER questions_removed_revise_sessions AFTER DELETE ON questions FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id = OLD.event_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ticket_types_added_revise_sessions AFTER INSERT ON ticket_types FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id = NEW.event_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ticket_types_changed_revise_sessions AFTER UPDATE ON ticket_types FOR EACH ROW
    WHEN NEW.sold = OLD.sold
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id IN (OLD.event_id, NEW.event_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ticket_types_removed_revise_sessions AFTER DELETE ON ticket_types FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE event_id = OLD.event_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER waitlist_added_revises_session AFTER INSERT ON waitlist FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE id = NEW.session_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER waitlist_changed_revises_session AFTER UPDATE ON waitlist FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE id IN (OLD.session_id, NEW.session_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER waitlist_removed_revises_session AFTER DELETE ON waitlist FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1 WHERE id = OLD.session_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER coach_tax_added_revises_sessions AFTER INSERT ON coach_tax FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = NEW.coach_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER coach_tax_changed_revises_sessions AFTER UPDATE ON coach_tax FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id IN (OLD.coach_id, NEW.coach_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER coach_privacy_added_revises_sessions AFTER INSERT ON coach_privacy FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = NEW.coach_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER coach_privacy_changed_revises_sessions AFTER UPDATE ON coach_privacy FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id IN (OLD.coach_id, NEW.coach_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER coach_tax_removed_revises_sessions AFTER DELETE ON coach_tax FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = OLD.coach_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER coach_privacy_removed_revises_sessions AFTER DELETE ON coach_privacy FOR EACH ROW
BEGIN
    UPDATE sessions SET revision = revision + 1
    WHERE event_id IN (SELECT event_id FROM event_hosts WHERE coach_id = OLD.coach_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER coach_privacy_removed_revises_sessions;
DROP TRIGGER coach_tax_removed_revises_sessions;
DROP TRIGGER coach_privacy_changed_revises_sessions;
DROP TRIGGER coach_privacy_added_revises_sessions;
DROP TRIGGER coach_tax_changed_revises_sessions;
DROP TRIGGER coach_tax_added_revises_sessions;
DROP TRIGGER waitlist_removed_revises_session;
DROP TRIGGER waitlist_changed_revises_session;
DROP TRIGGER waitlist_added_revises_session;
DROP TRIGGER ticket_types_removed_revise_sessions;
DROP TRIGGER ticket_types_changed_revise_sessions;
DROP TRIGGER ticket_types_added_revise_sessions;
DROP TRIGGER questions_removed_revise_sessions;
DROP TRIGGER questions_changed_revise_sessions;
DROP TRIGGER questions_added_revise_sessions;
DROP TRIGGER event_hosts_removed_revise_sessions;
DROP TRIGGER event_hosts_changed_revise_sessions;
DROP TRIGGER event_hosts_added_revise_sessions;
DROP TRIGGER events_revise_sessions;
DROP TRIGGER sessions_revised;
ALTER TABLE sessions DROP COLUMN revision;
