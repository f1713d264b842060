-- +goose Up
-- The outbox worker claims pending messages in the order (send_after, id)
-- and expired leases in the order (lease_until, id) (notify/deliver_claim.go).
-- A partial index for each gives it in that order and holds only the rows
-- it can find (pending ones; leased ones, whose lease_until is set), so a
-- claim reads about as many entries as it takes, however many messages
-- wait or were sent. (Not WHERE status = 'sending': the planner then
-- scans that index for the fenced update that marks a batch sent, dead
-- entries and all.) With outbox_due (status,
-- send_after), a claim read and sorted every pending message, then every
-- 'sending' one to find expired leases, and the update that marks a batch
-- sent scanned every 'sending' entry too (7,400 index entries a scan after
-- two flash sales of 3,000 bookings on two replicas). Failed messages, which
-- the metrics count, get one too; sent ones, nearly all, need none.
CREATE INDEX outbox_pending ON outbox (send_after, id) WHERE status = 'pending';
CREATE INDEX outbox_leased ON outbox (lease_until, id) WHERE lease_until IS NOT NULL;
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
DROP INDEX outbox_due;

-- +goose Down
CREATE INDEX outbox_due ON outbox (status, send_after);
DROP INDEX outbox_failed;
DROP INDEX outbox_leased;
DROP INDEX outbox_pending;
