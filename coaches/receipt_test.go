package coaches_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roster-app/roster/fault"
)

func TestReceiptAddress(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)

	t.Run("none until set", func(t *testing.T) {
		got, err := fx.svc.ReceiptAddress(ctx, fx.james.ID)
		if err != nil || got != "" {
			t.Fatalf("got %q, %v; want none", got, err)
		}
	})
	t.Run("set, then replaced", func(t *testing.T) {
		for _, want := range []string{"1 Mill Lane\nOxford OX1 1AA", "2 Quay Street\nBristol"} {
			if err := fx.svc.SetReceiptAddress(ctx, fx.james.ID, "  "+strings.ReplaceAll(want, "\n", "\r\n")+"\n"); err != nil {
				t.Fatal(err)
			}
			got, err := fx.svc.ReceiptAddress(ctx, fx.james.ID)
			if err != nil || got != want {
				t.Fatalf("got %q, %v; want %q", got, err, want)
			}
		}
		if other, _ := fx.svc.ReceiptAddress(ctx, fx.parveen.ID); other != "" {
			t.Errorf("another coach's address: %q", other)
		}
	})
	t.Run("too long is refused", func(t *testing.T) {
		err := fx.svc.SetReceiptAddress(ctx, fx.james.ID, strings.Repeat("a", 501))
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields["address"] == "" {
			t.Fatalf("got %v, want invalid address", err)
		}
	})
}
