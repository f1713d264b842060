-- Run by bench/run.sh on a database that `roster migrate` has just built:
-- one coach, one published free event and one date whose capacity the run
-- never reaches, for pgbench_booking.sql to book on. Prints the session id.
INSERT INTO coaches (email, name, created_at) VALUES ('pgbench@example.com', 'Pgbench Coach', now());
INSERT INTO events (slug, title, summary, description, timezone, location, online_url, price_cents, currency,
                    status, reminder_offsets_minutes, registration_cutoff_minutes, created_at, updated_at)
VALUES ('pgbench-sale', 'Pgbench Sale', 'The ceiling of a naive booking transaction', '', 'UTC', 'Online', '',
        0, 'GBP', 'published', '[]', 0, now(), now());
INSERT INTO event_hosts (event_id, coach_id, position)
SELECT e.id, c.id, 0 FROM events e, coaches c WHERE e.slug = 'pgbench-sale' AND c.email = 'pgbench@example.com';
INSERT INTO sessions (event_id, starts_at, ends_at, capacity, status, created_at, updated_at)
SELECT id, now() + interval '30 days', now() + interval '30 days 2 hours', 2000000000, 'scheduled', now(), now()
FROM events WHERE slug = 'pgbench-sale'
RETURNING id;
