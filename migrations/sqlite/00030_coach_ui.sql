-- +goose Up
-- The person an email is from, when it is from a person (a coach's
-- message): its From shows "<sender_name> via <site>" on the site's own
-- address, so the mail still passes SPF and DMARC, and Reply-To reaches
-- the person. Empty: the email is from the site itself.
ALTER TABLE outbox ADD COLUMN sender_name TEXT NOT NULL DEFAULT '';

-- A link emailed to a coach to set a password: after "Forgot password"
-- (purpose 'reset', an hour) or a co-host's invitation (purpose 'invite',
-- a week). Only the token's SHA-256 is stored; a link works once
-- (used_at) and not after expires_at.
CREATE TABLE coach_account_links (
    id          INTEGER PRIMARY KEY,
    coach_id    BIGINT NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  BIGINT REFERENCES coaches(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX coach_account_links_coach ON coach_account_links (coach_id);

-- +goose Down
DROP TABLE coach_account_links;
ALTER TABLE outbox DROP COLUMN sender_name;
