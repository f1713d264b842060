package booking_test

import (
	"context"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

func TestSessionRefundProgress(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	date := fx.lab.Sessions[0]
	var refs []string
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		res, checkout := fx.hold(t, date.ID, email, 1)
		fx.apply(t, fx.offline.CompleteEvent(checkout, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
		refs = append(refs, res.Booking.Ref)
	}
	for _, ref := range refs {
		if _, err := fx.svc.CancelWithRefund(ctx, ref, booking.Actor{CoachID: fx.coach.ID}, booking.RefundFull); err != nil {
			t.Fatal(err)
		}
	}
	progress := func(t *testing.T) booking.RefundProgress {
		t.Helper()
		p, err := fx.svc.SessionRefundProgress(ctx, fx.coach.ID, date.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("queued refunds are pending", func(t *testing.T) {
		if got, want := progress(t), (booking.RefundProgress{Pending: 3, Total: 3}); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	// The worker makes two; the third gives up (as after its last attempt).
	if _, err := fx.db.Writer().Exec(fx.db.Rebind(`UPDATE refunds SET status = 'failed', last_error = 'card expired'
		WHERE booking_id = (SELECT id FROM bookings WHERE ref = ?)`), refs[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.ProcessRefunds(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("made and failed refunds are counted apart", func(t *testing.T) {
		got := progress(t)
		if want := (booking.RefundProgress{Done: 2, Failed: 1, Total: 3}); got != want || !got.Finished() {
			t.Errorf("got %+v, want %+v, finished", got, want)
		}
	})
	t.Run("another coach can neither see nor retry them", func(t *testing.T) {
		other, _ := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
		if _, err := fx.svc.SessionRefundProgress(ctx, other.ID, date.ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("progress: %v, want not found", err)
		}
		if _, err := fx.svc.RetryFailedRefunds(ctx, other.ID, date.ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("retry: %v, want not found", err)
		}
	})
	t.Run("a retry queues the failed refund again and the worker makes it", func(t *testing.T) {
		n, err := fx.svc.RetryFailedRefunds(ctx, fx.coach.ID, date.ID)
		if err != nil || n != 1 {
			t.Fatalf("retried %d, %v; want 1", n, err)
		}
		if got := progress(t); got.Pending != 1 || got.Failed != 0 {
			t.Errorf("after retry: %+v", got)
		}
		if _, err := fx.svc.ProcessRefunds(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := progress(t), (booking.RefundProgress{Done: 3, Total: 3}); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}

func TestEventRefundProgress(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	for i, s := range fx.lab.Sessions {
		res, checkout := fx.hold(t, s.ID, "a"+string(rune('0'+i))+"@example.com", 1)
		fx.apply(t, fx.offline.CompleteEvent(checkout, res.Booking.Ref, 4900, "GBP", fx.clock.Now()))
	}
	if _, _, err := fx.svc.CancelEvent(ctx, fx.coach.ID, fx.lab.Slug, booking.RefundFull); err != nil {
		t.Fatal(err)
	}
	got, err := fx.svc.EventRefundProgress(ctx, fx.coach.ID, fx.lab.ID)
	if want := (booking.RefundProgress{Pending: 2, Total: 2}); err != nil || got != want {
		t.Fatalf("after cancelling the event: %+v %v, want %+v", got, err, want)
	}
	if _, err := fx.db.Writer().Exec(`UPDATE refunds SET status = 'failed'`); err != nil {
		t.Fatal(err)
	}
	other, _ := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
	if _, err := fx.svc.RetryFailedEventRefunds(ctx, other.ID, fx.lab.ID); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("another coach retries: %v, want not found", err)
	}
	if n, err := fx.svc.RetryFailedEventRefunds(ctx, fx.coach.ID, fx.lab.ID); err != nil || n != 2 {
		t.Fatalf("retried %d, %v; want 2", n, err)
	}
	if _, err := fx.svc.ProcessRefunds(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := fx.svc.EventRefundProgress(ctx, fx.coach.ID, fx.lab.ID); got != (booking.RefundProgress{Done: 2, Total: 2}) {
		t.Errorf("after the retry: %+v", got)
	}
}
