package booking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// clock is a time the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// notices records what the service asked to be sent. It stands in for the
// notify package, which has its own tests against a real SMTP server.
type notices struct {
	mu       sync.Mutex
	list     []booking.Notice
	packages []booking.PackageNotice
}

func (n *notices) Notify(_ context.Context, _ *sqlx.Tx, notice booking.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.list = append(n.list, notice)
	return nil
}

// Render lets the service render ahead and write bookings in bulk, as
// notify's notifier does: the notice is recorded when its rendering is
// stored, in the transaction, as Notify records it.
func (n *notices) Render(notice booking.Notice) (booking.RenderedNotice, error) {
	return renderedNotice{n: n, notice: notice}, nil
}

type renderedNotice struct {
	n      *notices
	notice booking.Notice
}

func (r renderedNotice) Store(ctx context.Context, _ sqlx.ExtContext) error {
	return r.n.Notify(ctx, nil, r.notice)
}

func (n *notices) all() []booking.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]booking.Notice(nil), n.list...)
}

func (n *notices) kinds(ref string) []booking.NoticeKind {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []booking.NoticeKind
	for _, x := range n.list {
		if ref == "" || x.Booking.Ref == ref {
			out = append(out, x.Kind)
		}
	}
	return out
}

type fixture struct {
	db       *sqldb.DB
	url      string
	clock    *clock
	events   *events.Service
	coaches  *coaches.Service
	svc      *booking.Service
	notices  *notices
	coach    coaches.Coach
	lab      events.Event // paid, two dates of 12
	workshop events.Event // free, two dates of 10
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db, url := sqldbtest.MustOpenURL(t)
	fx := &fixture{db: db, url: url, clock: &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}, notices: &notices{}}
	fx.events = events.NewService(db, fx.clock.Now)
	fx.coaches = coaches.NewService(db, fx.clock.Now)
	fx.svc = booking.NewService(db, fx.notices, booking.Config{BaseURL: "http://roster.test"}, fx.clock.Now)
	ctx := context.Background()
	var err error
	if fx.coach, err = fx.coaches.Add(ctx, "james@example.com", "James Downer", ""); err != nil {
		t.Fatal(err)
	}
	fx.lab = fx.createEvent(t, "Career Clarity Lab", 4900, 12)
	fx.workshop = fx.createEvent(t, "Free Taster", 0, 10)
	return fx
}

func (fx *fixture) createEvent(t testing.TB, title string, price int64, capacity int) events.Event {
	t.Helper()
	start := time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC)
	e, err := fx.events.CreateEvent(context.Background(), fx.coach.ID, events.EventInput{
		Title: title, Timezone: "Europe/London", PriceCents: price, Currency: "GBP", Status: events.Published,
		Sessions: []events.SessionInput{
			{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: capacity},
			{StartsAt: start.AddDate(0, 0, 7), EndsAt: start.AddDate(0, 0, 7).Add(2 * time.Hour), Capacity: capacity},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (fx *fixture) seatsLeft(t *testing.T, sessionID int64) int {
	t.Helper()
	sess, err := events.SessionByID(context.Background(), fx.db, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	return sess.SeatsLeft()
}

func (fx *fixture) mustCheck(t *testing.T) {
	t.Helper()
	violations, err := fx.svc.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Errorf("invariant violated: %s", v)
	}
}

func (fx *fixture) book(t *testing.T, sessionID int64, email string, seats int) booking.Result {
	t.Helper()
	res, err := fx.svc.Reserve(context.Background(), booking.Request{SessionID: sessionID, Name: "Ada Lovelace", Email: email, Seats: seats})
	if err != nil {
		t.Fatalf("reserve: %v", err)
	}
	return res
}

func TestReserve(t *testing.T) {
	ctx := context.Background()
	t.Run("free event confirms at once", func(t *testing.T) {
		fx := newFixture(t)
		res := fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 2)
		if got, want := res.Booking.Status, booking.Confirmed; got != want {
			t.Errorf("status %s, want %s", got, want)
		}
		if got, want := fx.seatsLeft(t, fx.workshop.Sessions[0].ID), 8; got != want {
			t.Errorf("seats left %d, want %d", got, want)
		}
		if len(res.Token) < 22 || len(res.Booking.Ref) != 9 {
			t.Errorf("token %q ref %q: want a ≥128-bit token and a ref like FT-7KQ2M9", res.Token, res.Booking.Ref)
		}
		if got := fx.notices.kinds(res.Booking.Ref); len(got) != 2 || got[0] != booking.NoticeConfirmed || got[1] != booking.NoticeCoachNewBooking {
			t.Errorf("notices %v, want confirmation and coach notice", got)
		}
		fx.mustCheck(t)
	})
	t.Run("paid event holds the seats for 30 minutes", func(t *testing.T) {
		fx := newFixture(t)
		res := fx.book(t, fx.lab.Sessions[0].ID, "ada@example.com", 3)
		b := res.Booking
		if b.Status != booking.PendingPayment || b.AmountCents != 3*4900 || b.Currency != "GBP" {
			t.Errorf("booking %+v, want pending_payment of 14700 GBP", b)
		}
		if b.HoldExpiresAt == nil || !b.HoldExpiresAt.Equal(fx.clock.Now().Add(30*time.Minute)) {
			t.Errorf("hold expires %v, want in 30 minutes", b.HoldExpiresAt)
		}
		if got, want := fx.seatsLeft(t, fx.lab.Sessions[0].ID), 9; got != want {
			t.Errorf("seats left %d, want %d", got, want)
		}
		if got := fx.notices.kinds(b.Ref); len(got) != 0 {
			t.Errorf("notices %v before payment, want none", got)
		}
		fx.mustCheck(t)
	})
	t.Run("ErrSoldOut", func(t *testing.T) {
		fx := newFixture(t)
		fx.book(t, fx.workshop.Sessions[0].ID, "a@example.com", 9)
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.workshop.Sessions[0].ID, Name: "B", Email: "b@example.com", Seats: 2})
		if !errors.Is(err, booking.ErrSoldOut) {
			t.Fatalf("got %v, want ErrSoldOut", err)
		}
		fx.book(t, fx.workshop.Sessions[0].ID, "c@example.com", 1)
		fx.mustCheck(t)
	})
	t.Run("ErrAlreadyBooked", func(t *testing.T) {
		fx := newFixture(t)
		fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 1)
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.workshop.Sessions[0].ID, Name: "Ada", Email: "ADA@example.com ", Seats: 1})
		if !errors.Is(err, booking.ErrAlreadyBooked) {
			t.Fatalf("got %v, want ErrAlreadyBooked", err)
		}
		fx.book(t, fx.workshop.Sessions[1].ID, "ada@example.com", 1) // another date is fine
		fx.book(t, fx.workshop.Sessions[0].ID, "friend@example.com", 1)
	})
	t.Run("a date that is not open refuses with its phase's code", func(t *testing.T) {
		fx := newFixture(t)
		if _, _, err := fx.svc.CancelSession(ctx, fx.coach.ID, fx.workshop.Sessions[1].ID, booking.RefundFull); err != nil {
			t.Fatal(err)
		}
		draft := events.Draft
		if _, err := fx.events.UpdateEvent(ctx, fx.coach.ID, fx.lab.Slug, events.EventPatch{Status: &draft}); err != nil {
			t.Fatal(err)
		}
		cases := map[string]struct {
			id   int64
			want fault.Code
		}{
			"cancelled date": {fx.workshop.Sessions[1].ID, fault.SessionCancelled},
			"draft event":    {fx.lab.Sessions[0].ID, fault.RegistrationClosed},
		}
		for name, c := range cases {
			_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: c.id, Name: "A", Email: "a@example.com", Seats: 1})
			if got := fault.CodeOf(err); got != c.want {
				t.Errorf("%s: got %v, want %s", name, err, c.want)
			}
		}
		fx.clock.Advance(fx.workshop.Sessions[0].StartsAt.Sub(fx.clock.Now()))
		_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.workshop.Sessions[0].ID, Name: "A", Email: "a@example.com", Seats: 1})
		if got := fault.CodeOf(err); got != fault.SessionStarted {
			t.Errorf("at the start time: got %v, want session_started", err)
		}
	})
	t.Run("validation names each field and writes nothing", func(t *testing.T) {
		fx := newFixture(t)
		id := fx.workshop.Sessions[0].ID
		cases := []struct {
			name  string
			req   booking.Request
			field string
		}{
			{"no name", booking.Request{SessionID: id, Email: "a@example.com", Seats: 1}, "name"},
			{"long name", booking.Request{SessionID: id, Name: string(make([]byte, 20000)), Email: "a@example.com", Seats: 1}, "name"},
			{"CR/LF in name", booking.Request{SessionID: id, Name: "Ada\r\nBcc: x@y.z", Email: "a@example.com", Seats: 1}, "name"},
			{"bad email", booking.Request{SessionID: id, Name: "A", Email: "not-an-email", Seats: 1}, "email"},
			{"header injection in email", booking.Request{SessionID: id, Name: "A", Email: "a@example.com\r\nBcc: x@y.z", Seats: 1}, "email"},
			{"zero seats", booking.Request{SessionID: id, Name: "A", Email: "a@example.com", Seats: 0}, "seats"},
			{"negative seats", booking.Request{SessionID: id, Name: "A", Email: "a@example.com", Seats: -3}, "seats"},
			{"huge seats", booking.Request{SessionID: id, Name: "A", Email: "a@example.com", Seats: 1 << 30}, "seats"},
			{"no session", booking.Request{Name: "A", Email: "a@example.com", Seats: 1}, "session_id"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := fx.svc.Reserve(ctx, c.req)
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields[c.field] == "" {
					t.Fatalf("got %v, want a validation error on %s", err, c.field)
				}
			})
		}
		if got := fx.seatsLeft(t, id); got != 10 {
			t.Errorf("seats left %d after bad requests, want 10", got)
		}
		if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: 99999, Name: "A", Email: "a@example.com", Seats: 1}); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("unknown date: got %v, want not_found", err)
		}
	})
}

func TestIdempotency(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID
	req := booking.Request{SessionID: id, Name: "Ada", Email: "ada@example.com", Seats: 1, IdempotencyKey: "key-1"}
	first, err := fx.svc.Reserve(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("same key and body answers with the first booking", func(t *testing.T) {
		again, err := fx.svc.Reserve(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if again.Booking.Ref != first.Booking.Ref || !again.Replayed {
			t.Errorf("got %s (replayed %v), want %s replayed", again.Booking.Ref, again.Replayed, first.Booking.Ref)
		}
		if got := fx.seatsLeft(t, id); got != 9 {
			t.Errorf("seats left %d, want 9", got)
		}
	})
	t.Run("same key with another body is refused", func(t *testing.T) {
		other := req
		other.Seats = 2
		if _, err := fx.svc.Reserve(ctx, other); !errors.Is(err, booking.ErrIdempotencyReuse) {
			t.Errorf("got %v, want ErrIdempotencyReuse", err)
		}
	})
	t.Run("a form submitted twice makes one booking", func(t *testing.T) {
		form := booking.Request{SessionID: id, Name: "Bo", Email: "bo@example.com", Seats: 1, FormNonce: "nonce-1"}
		a, err := fx.svc.Reserve(ctx, form)
		if err != nil {
			t.Fatal(err)
		}
		b, err := fx.svc.Reserve(ctx, form)
		if err != nil {
			t.Fatal(err)
		}
		if a.Booking.Ref != b.Booking.Ref {
			t.Errorf("two bookings %s and %s from one form", a.Booking.Ref, b.Booking.Ref)
		}
	})
	t.Run("concurrent requests with one key make one booking", func(t *testing.T) {
		var wg sync.WaitGroup
		refs := make(chan string, 20)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Cy", Email: "cy@example.com", Seats: 1, IdempotencyKey: "key-race"})
				if err != nil {
					t.Errorf("reserve: %v", err)
					return
				}
				refs <- res.Booking.Ref
			}()
		}
		wg.Wait()
		close(refs)
		seen := map[string]bool{}
		for ref := range refs {
			seen[ref] = true
		}
		if len(seen) != 1 {
			t.Errorf("%d bookings from one key, want 1", len(seen))
		}
	})
	fx.mustCheck(t)
}

func TestCancel(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID
	res := fx.book(t, id, "ada@example.com", 3)
	t.Run("wrong token is not found", func(t *testing.T) {
		for _, token := range []string{"", "nope", res.Token + "x"} {
			if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: token}); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("token %q: got %v, want ErrNotFound", token, err)
			}
		}
		other := fx.book(t, id, "bo@example.com", 1)
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: other.Token}); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("another booking's token: got %v, want ErrNotFound", err)
		}
	})
	t.Run("OK returns the seats at once", func(t *testing.T) {
		before := fx.seatsLeft(t, id)
		b, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != booking.Cancelled || b.Sequence != 1 {
			t.Errorf("booking %+v, want cancelled with sequence 1", b)
		}
		if got := fx.seatsLeft(t, id); got != before+3 {
			t.Errorf("seats left %d, want %d", got, before+3)
		}
		kinds := fx.notices.kinds(res.Booking.Ref)
		if kinds[len(kinds)-2] != booking.NoticeCancelled {
			t.Errorf("notices %v, want a cancellation", kinds)
		}
	})
	t.Run("ErrNotLive on a second cancel", func(t *testing.T) {
		if _, err := fx.svc.Cancel(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}); !errors.Is(err, booking.ErrNotLive) {
			t.Errorf("got %v, want ErrNotLive", err)
		}
	})
	t.Run("the same email can book again after cancelling", func(t *testing.T) {
		fx.book(t, id, "ada@example.com", 1)
	})
	t.Run("a coach who hosts the event cancels; another cannot", func(t *testing.T) {
		other, err := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
		if err != nil {
			t.Fatal(err)
		}
		victim := fx.book(t, id, "cy@example.com", 1)
		if _, err := fx.svc.Cancel(ctx, victim.Booking.Ref, booking.Actor{CoachID: other.ID}); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("outsider: got %v, want ErrNotFound", err)
		}
		if _, err := fx.svc.Cancel(ctx, victim.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}); err != nil {
			t.Errorf("host: %v", err)
		}
	})
	fx.mustCheck(t)
}

func TestMove(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	from, to := fx.workshop.Sessions[0].ID, fx.workshop.Sessions[1].ID
	res := fx.book(t, from, "ada@example.com", 2)
	t.Run("OK takes the new seats and frees the old", func(t *testing.T) {
		b, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, to)
		if err != nil {
			t.Fatal(err)
		}
		if b.SessionID != to || b.Sequence != 1 {
			t.Errorf("booking %+v, want on session %d with sequence 1", b, to)
		}
		if fx.seatsLeft(t, from) != 10 || fx.seatsLeft(t, to) != 8 {
			t.Errorf("seats left %d and %d, want 10 and 8", fx.seatsLeft(t, from), fx.seatsLeft(t, to))
		}
	})
	t.Run("to a full date nothing changes", func(t *testing.T) {
		fx.book(t, from, "filler@example.com", 9)
		_, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, from)
		if !errors.Is(err, booking.ErrSoldOut) {
			t.Fatalf("got %v, want ErrSoldOut", err)
		}
		if fx.seatsLeft(t, from) != 1 || fx.seatsLeft(t, to) != 8 {
			t.Errorf("seats left %d and %d, want 1 and 8", fx.seatsLeft(t, from), fx.seatsLeft(t, to))
		}
	})
	t.Run("to another event's date is refused", func(t *testing.T) {
		_, err := fx.svc.Move(ctx, res.Booking.Ref, booking.Actor{Token: res.Token}, fx.lab.Sessions[0].ID)
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("got %v, want a validation error", err)
		}
	})
	fx.mustCheck(t)
}

func TestHoldsExpire(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.lab.Sessions[0].ID
	res := fx.book(t, id, "ada@example.com", 4)
	fx.clock.Advance(29 * time.Minute)
	if n, err := fx.svc.ExpireHolds(ctx); err != nil || n != 0 {
		t.Fatalf("expired %d (%v) before the hold ran out, want 0", n, err)
	}
	fx.clock.Advance(time.Minute)
	if n, err := fx.svc.ExpireHolds(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d (%v), want 1", n, err)
	}
	if got := fx.seatsLeft(t, id); got != 12 {
		t.Errorf("seats left %d, want 12", got)
	}
	d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
	if err != nil || d.Booking.Status != booking.Expired {
		t.Errorf("booking %+v %v, want expired", d.Booking, err)
	}
	t.Run("sweepers racing release each hold once", func(t *testing.T) {
		for i := range 12 {
			fx.book(t, id, fmt.Sprintf("p%d@example.com", i), 1)
		}
		fx.clock.Advance(31 * time.Minute)
		var total atomic.Int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := fx.svc.ExpireHolds(ctx)
				if err != nil {
					t.Errorf("sweep: %v", err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		if got := total.Load(); got != 12 {
			t.Errorf("sweepers expired %d holds in all, want 12", got)
		}
		if got := fx.seatsLeft(t, id); got != 12 {
			t.Errorf("seats left %d, want 12", got)
		}
		fx.mustCheck(t)
	})
}

func TestWaitlist(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID
	holder := fx.book(t, id, "holder@example.com", 10)
	first, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "First", Email: "first@example.com", Seats: 2})
	if err != nil {
		t.Fatal(err)
	}
	second, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "Second", Email: "second@example.com", Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "First", Email: "first@example.com", Seats: 1}); !errors.Is(err, booking.ErrAlreadyWaiting) {
		t.Errorf("joining twice: got %v, want ErrAlreadyWaiting (already on the waitlist)", err)
	}
	claimURL := func(entryID int64) string {
		for _, n := range fx.notices.list {
			if n.Kind == booking.NoticeWaitlistOffer && n.Offer.ID == entryID {
				return n.ClaimURL
			}
		}
		return ""
	}
	t.Run("freed seats go to the first in line and are held", func(t *testing.T) {
		if _, err := fx.svc.Cancel(ctx, holder.Booking.Ref, booking.Actor{Token: holder.Token}); err != nil {
			t.Fatal(err)
		}
		if claimURL(first.ID) == "" || claimURL(second.ID) == "" {
			t.Fatalf("offers not sent to both: %v", fx.notices.kinds(""))
		}
		if got := fx.seatsLeft(t, id); got != 7 {
			t.Errorf("seats left %d, want 7 (3 held by offers)", got)
		}
		fx.mustCheck(t)
	})
	t.Run("claim turns the offer into a booking", func(t *testing.T) {
		token := claimURL(first.ID)[len(claimURL(first.ID))-32:]
		res, err := fx.svc.ClaimOffer(ctx, first.ID, token)
		if err != nil {
			t.Fatal(err)
		}
		if res.Booking.Status != booking.Confirmed || res.Booking.Seats != 2 {
			t.Errorf("booking %+v", res.Booking)
		}
		if _, err := fx.svc.ClaimOffer(ctx, first.ID, token); !errors.Is(err, booking.ErrOfferGone) {
			t.Errorf("second claim: got %v, want ErrOfferGone", err)
		}
		fx.mustCheck(t)
	})
	t.Run("an unclaimed offer expires and frees its seats", func(t *testing.T) {
		fx.clock.Advance(12*time.Hour + time.Second)
		if n, err := fx.svc.ExpireOffers(ctx); err != nil || n != 1 {
			t.Fatalf("expired %d offers (%v), want 1", n, err)
		}
		if got := fx.seatsLeft(t, id); got != 8 {
			t.Errorf("seats left %d, want 8", got)
		}
		fx.mustCheck(t)
	})
}

func TestQuestions(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	qs, err := fx.svc.SetQuestions(ctx, fx.workshop.ID, []booking.Question{
		{Kind: booking.ShortText, Label: "Job title", Required: true},
		{Kind: booking.SingleChoice, Label: "Track", Options: booking.Options{"Career change", "Promotion"}},
		{Kind: booking.Checkbox, Label: "I agree to the terms", Required: true},
		{Kind: booking.LongText, Label: "Anything else?"},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := fx.workshop.Sessions[0].ID
	answers := func(job, track, agree string) booking.Answers {
		return booking.Answers{qs[0].Key(): job, qs[1].Key(): track, qs[2].Key(): agree}
	}
	cases := []struct {
		name    string
		answers booking.Answers
		field   string
	}{
		{"required missing", answers("", "", "yes"), "answers." + qs[0].Key()},
		{"not a choice", answers("Dev", "Retire", "yes"), "answers." + qs[1].Key()},
		{"checkbox not ticked", answers("Dev", "", ""), "answers." + qs[2].Key()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "A", Email: "a@example.com", Seats: 1, Answers: c.answers})
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Fields[c.field] == "" {
				t.Fatalf("got %v, want a message on %s", err, c.field)
			}
		})
	}
	t.Run("OK stores cleaned answers", func(t *testing.T) {
		res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "A", Email: "a@example.com", Seats: 1,
			Answers: booking.Answers{qs[0].Key(): "  Engineer ", qs[1].Key(): "Promotion", qs[2].Key(): "on", "999": "ignored"}})
		if err != nil {
			t.Fatal(err)
		}
		d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil {
			t.Fatal(err)
		}
		got := d.Booking.Answers
		if got[qs[0].Key()] != "Engineer" || got[qs[1].Key()] != "Promotion" || got[qs[2].Key()] != "yes" || got["999"] != "" {
			t.Errorf("answers %v", got)
		}
	})
	t.Run("bad questions are refused", func(t *testing.T) {
		_, err := fx.svc.SetQuestions(ctx, fx.workshop.ID, []booking.Question{{Kind: "essay", Label: ""}, {Kind: booking.SingleChoice, Label: "Pick", Options: booking.Options{"one"}}})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Fields["questions[0].kind"] == "" || fe.Fields["questions[0].label"] == "" || fe.Fields["questions[1].options"] == "" {
			t.Errorf("got %v", err)
		}
	})
}

func TestCheckFindsACorruptCounter(t *testing.T) {
	fx := newFixture(t)
	fx.book(t, fx.workshop.Sessions[0].ID, "ada@example.com", 2)
	if _, err := fx.db.Writer().Exec(fx.db.Rebind(`UPDATE sessions SET seats_taken = 5 WHERE id = ?`), fx.workshop.Sessions[0].ID); err != nil {
		t.Fatal(err)
	}
	violations, err := fx.svc.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(violations) != 1 {
		t.Errorf("violations %v, want the counter mismatch", violations)
	}
}

func TestRescheduleSession(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	id := fx.workshop.Sessions[0].ID
	a := fx.book(t, id, "a@example.com", 1)
	b := fx.book(t, id, "b@example.com", 2)
	later := fx.workshop.Sessions[0].StartsAt.Add(time.Hour)
	end := later.Add(2 * time.Hour)
	sess, err := fx.svc.RescheduleSession(ctx, fx.coach.ID, id, events.SessionPatch{StartsAt: &later, EndsAt: &end})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Sequence != 1 || !sess.StartsAt.Equal(later) {
		t.Errorf("session %+v", sess)
	}
	for _, res := range []booking.Result{a, b} {
		kinds := fx.notices.kinds(res.Booking.Ref)
		if kinds[len(kinds)-1] != booking.NoticeChanged {
			t.Errorf("%s notices %v, want a changed notice last", res.Booking.Ref, kinds)
		}
		d, err := fx.svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil || d.Booking.Sequence != 1 {
			t.Errorf("booking %+v %v, want sequence 1", d.Booking, err)
		}
	}
	capacity := 5
	before := len(fx.notices.kinds(""))
	if _, err := fx.svc.RescheduleSession(ctx, fx.coach.ID, id, events.SessionPatch{Capacity: &capacity}); err != nil {
		t.Fatal(err)
	}
	if got := len(fx.notices.kinds("")); got != before {
		t.Errorf("a capacity change told attendees %d times", got-before)
	}
	other, err := fx.coaches.Add(ctx, "mallory@example.com", "Mallory", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.RescheduleSession(ctx, other.ID, id, events.SessionPatch{Capacity: &capacity}); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("another coach: %v", err)
	}
	fx.mustCheck(t)
}
