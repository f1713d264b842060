package coaches_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type fixture struct {
	svc            *coaches.Service
	james, parveen coaches.Coach
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	svc := coaches.NewService(sqldbtest.MustOpenDB(t), func() time.Time { return now })
	ctx := context.Background()
	james, err := svc.Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	parveen, err := svc.Add(ctx, "Parveen@Example.com", "Parveen Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	return fixture{svc: svc, james: james, parveen: parveen}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	token, err := fx.svc.CreateToken(ctx, fx.james.ID, coaches.APIToken, "cli")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		c, err := fx.svc.Authenticate(ctx, token, coaches.APIToken)
		if err != nil || c.ID != fx.james.ID {
			t.Fatalf("got %v %v, want james", c, err)
		}
	})
	t.Run("wrong kind", func(t *testing.T) {
		if _, err := fx.svc.Authenticate(ctx, token, coaches.FeedToken); !errors.Is(err, coaches.ErrUnauthorized) {
			t.Errorf("got %v, want ErrUnauthorized", err)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if _, err := fx.svc.Authenticate(ctx, token+"x", coaches.APIToken); !errors.Is(err, coaches.ErrUnauthorized) {
			t.Errorf("got %v, want ErrUnauthorized", err)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		if err := fx.svc.RevokeTokens(ctx, fx.james.ID, coaches.APIToken); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Authenticate(ctx, token, coaches.APIToken); !errors.Is(err, coaches.ErrUnauthorized) {
			t.Errorf("got %v, want ErrUnauthorized", err)
		}
	})
	t.Run("token is long and random", func(t *testing.T) {
		if len(token) < 40 {
			t.Errorf("token %q is too short for 256 bits", token)
		}
	})
}
