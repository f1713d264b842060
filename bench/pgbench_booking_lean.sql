-- The lean ceiling of issue #18: the three statements every booking needs
-- (the booking, one outbox message, the guarded seat-counter update), one
-- booking per transaction, on roster's real tables, indexes and
-- constraints, but with small rows: a short outbox message instead of the
-- 5.7 kB of a real confirmation, so only the statements, the row lock and
-- the commit count. The update comes last, as roster's Reserve orders it,
-- so the hot row is locked only for the commit.
--   pgbench -n -f bench/pgbench_booking_lean.sql -D sid=SESSION_ID -D eid=EVENT_ID -c 16 -j 2 -T 10
\set r random(1, 4611686018427387903)
BEGIN;
INSERT INTO bookings (ref, session_id, event_id, name, email, seats, status, live_key, amount_cents, currency,
                      answers, sequence, created_at, updated_at)
VALUES ('PGL-' || :r, :sid, :eid, 'Pgbench Client', 'pgl-' || :r || '@example.com', 1, 'confirmed',
        :sid || ':pgl-' || :r || '@example.com', 0, 'GBP', '{}', 0, now(), now());
INSERT INTO outbox (dedupe_key, kind, booking_ref, to_addr, to_name, reply_to, subject, text_body, html_body,
                    ics, ics_method, message_token, status, attempts, send_after, last_error, created_at)
VALUES ('booking:PGL-' || :r || ':confirmation', 'confirmation', 'PGL-' || :r, 'pgl-' || :r || '@example.com',
        'Pgbench Client', '', 'Booked: Pgbench Sale', 'Booked.', '<p>Booked.</p>', NULL,
        '', md5(:r::text), 'pending', 0, now(), '', now());
UPDATE sessions SET seats_taken = seats_taken + 1 WHERE id = :sid AND seats_taken + 1 <= capacity;
END;
