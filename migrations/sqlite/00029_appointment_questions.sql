-- +goose Up
-- Registration questions of appointment types (issue #15), the same shape
-- as an event's questions. The answers live on the booking (bookings.answers)
-- keyed by question id, so replacing a type's questions keeps what was
-- answered before.
CREATE TABLE appointment_type_questions (
    id                  INTEGER PRIMARY KEY,
    appointment_type_id BIGINT NOT NULL REFERENCES appointment_types(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('short_text', 'long_text', 'single_choice', 'checkbox')),
    label               TEXT NOT NULL,
    required            BOOLEAN NOT NULL,
    options             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointment_type_questions_type ON appointment_type_questions (appointment_type_id, position);

-- +goose Down
DROP TABLE appointment_type_questions;
