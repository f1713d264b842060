-- +goose Up
-- The person an email is from, when it is from a person (a coach's
-- message): its From shows "<sender_name> via <site>" on the site's own
-- address, so the mail still passes SPF and DMARC, and Reply-To reaches
-- the person. Empty: the email is from the site itself.
ALTER TABLE outbox ADD COLUMN sender_name TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN sender_name;
