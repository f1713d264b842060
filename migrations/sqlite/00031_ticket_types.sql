-- +goose Up
-- Ticket types (issue #20): an event sells one or more kinds of ticket at
-- their own prices, in the event's currency, all drawing on the same
-- session capacity. sold counts the live tickets of a type across all its
-- event's dates; it is a guarded counter like sessions.seats_taken (one
-- UPDATE whose WHERE clause checks the quota, in the booking's
-- transaction), and the CHECK makes "no oversold quota" physical. A type
-- removed from an event that has sold tickets is archived, not deleted,
-- so its bookings keep their lines.
CREATE TABLE ticket_types (
    id              INTEGER PRIMARY KEY,
    event_id        BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    price_cents     BIGINT NOT NULL CHECK (price_cents >= 0),
    min_price_cents BIGINT CHECK (min_price_cents >= 0),
    quota           INTEGER CHECK (quota >= 0),
    sold            INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND (quota IS NULL OR sold <= quota)),
    on_sale_from    TIMESTAMP,
    on_sale_until   TIMESTAMP,
    hidden          BOOLEAN NOT NULL DEFAULT FALSE,
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX ticket_types_event ON ticket_types (event_id, position);

-- What a booking bought, one row per ticket type (or one row at the
-- event's price for an event without types), priced once by money.Price:
-- its share of the discount and its tax are stored, not recomputed, so a
-- receipt or a refund reads what was charged.
CREATE TABLE booking_lines (
    id             INTEGER PRIMARY KEY,
    booking_id     BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    ticket_type_id BIGINT REFERENCES ticket_types(id),
    name           TEXT NOT NULL,
    unit_cents     BIGINT NOT NULL CHECK (unit_cents >= 0),
    quantity       INTEGER NOT NULL CHECK (quantity >= 1),
    discount_cents BIGINT NOT NULL CHECK (discount_cents >= 0),
    net_cents      BIGINT NOT NULL CHECK (net_cents >= 0),
    tax_cents      BIGINT NOT NULL CHECK (tax_cents >= 0),
    gross_cents    BIGINT NOT NULL CHECK (gross_cents >= 0),
    -- the seller's tax when priced: rate in basis points (2000 = 20%),
    -- and whether the unit price included it
    tax_basis_points INTEGER NOT NULL DEFAULT 0 CHECK (tax_basis_points BETWEEN 0 AND 10000),
    tax_inclusive    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX booking_lines_booking ON booking_lines (booking_id);

-- +goose Down
DROP TABLE booking_lines;
DROP TABLE ticket_types;
