-- The ceiling of a naive booking transaction on a hot row: the three
-- statements every booking must run (the guarded seat-counter update, the
-- booking, one outbox message) against roster's real tables, indexes and
-- constraints, as one transaction per booking.
--   pgbench -n -f bench/pgbench_booking.sql -D sid=SESSION_ID -D eid=EVENT_ID -c 16 -j 2 -T 10
-- The outbox row carries bodies of the size of a real confirmation (1.2 kB
-- text, 3.8 kB HTML, 0.7 kB invite), of hex digits rather than one repeated
-- letter, so that TOAST compresses them about as little as real mail. :r is random, so refs and keys are
-- unique without a sequence (a clash in 2^62 would fail one transaction).
\set r random(1, 4611686018427387903)
BEGIN;
UPDATE sessions SET seats_taken = seats_taken + 1 WHERE id = :sid AND seats_taken + 1 <= capacity;
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
END;
