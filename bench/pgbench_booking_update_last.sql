-- bench/pgbench_booking.sql with the guarded seat-counter update moved to
-- the end of the transaction, as roster's Reserve orders it: the hot row is
-- then locked only for the commit, not for the two inserts as well. This is
-- the stricter ceiling: the same three statements, ordered as well as
-- roster orders its own.
--   pgbench -n -f bench/pgbench_booking_update_last.sql -D sid=SESSION_ID -D eid=EVENT_ID -c 16 -j 2 -T 10
\set r random(1, 4611686018427387903)
BEGIN;
INSERT INTO bookings (ref, session_id, event_id, name, email, seats, status, live_key, amount_cents, currency,
                      answers, sequence, created_at, updated_at)
VALUES ('PGB-' || :r, :sid, :eid, 'Pgbench Client', 'pgb-' || :r || '@example.com', 1, 'confirmed',
        :sid || ':pgb-' || :r || '@example.com', 0, 'GBP', '{}', 0, now(), now());
INSERT INTO outbox (dedupe_key, kind, booking_ref, to_addr, to_name, reply_to, subject, text_body, html_body,
                    ics, ics_method, message_token, status, attempts, send_after, last_error, created_at)
VALUES ('booking:PGB-' || :r || ':confirmation', 'confirmation', 'PGB-' || :r, 'pgb-' || :r || '@example.com',
        'Pgbench Client', '', 'Booked: Pgbench Sale', (SELECT string_agg(md5(i || ':' || :r), ' ') FROM generate_series(1, 36) i),
        (SELECT string_agg(md5(i || ':' || :r), ' ') FROM generate_series(1, 116) i),
        (SELECT string_agg(md5(i || ':' || :r), ' ') FROM generate_series(1, 21) i),
        'REQUEST', md5(:r::text), 'pending', 0, now(), '', now());
UPDATE sessions SET seats_taken = seats_taken + 1 WHERE id = :sid AND seats_taken + 1 <= capacity;
END;
