package payments

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// EventOutcomes counts the webhook log's events by the kind of outcome:
// the outcome's text before any ":" ("confirmed", "hold released",
// "ignored", "refunding", "waiting"…), so that a booking ref or a reason
// in the text never becomes a label of its own. An event still being
// applied counts as "pending". It returns the database's error, wrapped.
func EventOutcomes(ctx context.Context, q sqlx.QueryerContext) (map[string]int64, error) {
	var rows []struct {
		Outcome string `db:"outcome"`
		N       int64  `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT outcome, COUNT(*) AS n FROM payment_events GROUP BY outcome`); err != nil {
		return nil, fmt.Errorf("count payment events by outcome: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		kind, _, _ := strings.Cut(r.Outcome, ":")
		if kind == "" {
			kind = "pending"
		}
		out[kind] += r.N
	}
	return out, nil
}
