package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestFlashSaleAcrossTwoProcesses books one small date from two services
// on one database (two pools, as two replicas), with the real notifier,
// mixing newcomers, one person asking three times at once, Idempotency-Key
// replays sent to both services, double-submitted forms and a coach who
// lowers the capacity meanwhile; then checks every answer against the
// database and its outbox.
func TestFlashSaleAcrossTwoProcesses(t *testing.T) {
	ctx := context.Background()
	const baseURL = "http://roster.test"
	db, url := sqldbtest.MustOpenURL(t)
	db2, err := sqldb.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: baseURL, From: "Roster <no-reply@localhost>"}, time.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	coach, err := coaches.NewService(db, time.Now).Add(ctx, "attack@example.com", "Attack Coach", "")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	e, err := events.NewService(db, time.Now).CreateEvent(ctx, coach.ID, events.EventInput{
		Title: "Flash Sale", Timezone: "Europe/London", Currency: "GBP", Status: events.Published, Location: "Online",
		Sessions: []events.SessionInput{{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 30}},
	})
	if err != nil {
		t.Fatal(err)
	}
	date := e.Sessions[0].ID
	svcs := []*booking.Service{
		booking.NewService(db, notifier, booking.Config{BaseURL: baseURL}, time.Now),
		booking.NewService(db2, notifier, booking.Config{BaseURL: baseURL, GroupCommit: booking.GroupCommitConfig{Window: 5 * time.Millisecond}}, time.Now),
	}
	type answer struct {
		req booking.Request
		res booking.Result
		err error
	}
	var (
		mu      sync.Mutex
		answers []answer
		wg      sync.WaitGroup
	)
	startGun := make(chan struct{})
	send := func(i int, req booking.Request) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			res, err := svcs[i%2].Reserve(ctx, req)
			mu.Lock()
			answers = append(answers, answer{req, res, err})
			mu.Unlock()
		}()
	}
	for i := range 40 {
		send(i, booking.Request{SessionID: date, Name: fmt.Sprintf("New %d", i), Email: fmt.Sprintf("new%d@example.com", i), Seats: 1 + i%2})
	}
	for i := range 6 {
		for k := range 3 {
			send(i+k, booking.Request{SessionID: date, Name: fmt.Sprintf("Thrice %d", i), Email: fmt.Sprintf("thrice%d@example.com", i), Seats: 1})
		}
	}
	for i := range 6 {
		for k := range 3 {
			send(i+k, booking.Request{SessionID: date, Name: fmt.Sprintf("Key %d", i), Email: fmt.Sprintf("key%d@example.com", i), Seats: 1,
				IdempotencyKey: fmt.Sprintf("key-%d", i), IdempotencyScope: "client"})
		}
	}
	for i := range 6 {
		for k := range 2 {
			send(i+k, booking.Request{SessionID: date, Name: fmt.Sprintf("Form %d", i), Email: fmt.Sprintf("form%d@example.com", i), Seats: 1,
				FormNonce: fmt.Sprintf("nonce-%d", i)})
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-startGun
		lower := 20
		// Refused (Invalid) once more than 20 seats are taken: either is fine.
		if _, err := svcs[0].RescheduleSession(ctx, coach.ID, date, events.SessionPatch{Capacity: &lower}); err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Errorf("lower the capacity: %v", err)
		}
	}()
	close(startGun)
	wg.Wait()

	refs := map[string]answer{}
	for _, a := range answers {
		switch {
		case a.err == nil:
			if prev, ok := refs[a.res.Booking.Ref]; ok && prev.req.Email != a.req.Email {
				t.Errorf("ref %s answered to %s and %s", a.res.Booking.Ref, prev.req.Email, a.req.Email)
			}
			refs[a.res.Booking.Ref] = a
		case errors.Is(a.err, booking.ErrSoldOut), errors.Is(a.err, booking.ErrAlreadyBooked):
		default:
			t.Errorf("%s: %v, want a booking, sold out or already booked", a.req.Email, a.err)
		}
	}
	for _, svc := range svcs {
		violations, err := svc.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range violations {
			t.Errorf("invariant violated: %s", v)
		}
	}
	var live []struct {
		Ref   string `db:"ref"`
		Email string `db:"email"`
		Name  string `db:"name"`
	}
	if err := db.Select(&live, db.Rebind(`SELECT ref, email, name FROM bookings WHERE session_id = ? AND status = 'confirmed'`), date); err != nil {
		t.Fatal(err)
	}
	byRef := map[string]bool{}
	people := map[string]int{}
	for _, b := range live {
		byRef[b.Ref] = true
		people[b.Email]++
		if people[b.Email] > 1 {
			t.Errorf("%s holds %d live bookings", b.Email, people[b.Email])
		}
	}
	for ref, a := range refs {
		if !byRef[ref] {
			t.Errorf("%s was answered with %s, which is not a live booking", a.req.Email, ref)
			continue
		}
		var mail []struct {
			To   string `db:"to_addr"`
			Name string `db:"to_name"`
			Body string `db:"text_body"`
		}
		if err := db.Select(&mail, db.Rebind(`SELECT to_addr, to_name, text_body FROM outbox WHERE booking_ref = ? AND kind = ?`), ref, string(booking.NoticeConfirmed)); err != nil {
			t.Fatal(err)
		}
		if len(mail) != 1 {
			t.Errorf("%s: %d confirmations, want 1", ref, len(mail))
			continue
		}
		m := mail[0]
		if m.To != a.req.Email || m.Name != a.req.Name || !strings.Contains(m.Body, ref) {
			t.Errorf("%s: confirmation to %s <%s>, want %s <%s> with the ref", ref, m.Name, m.To, a.req.Name, a.req.Email)
		}
		if !a.res.Replayed && !strings.Contains(m.Body, svcs[0].ManageURL(ref, a.res.Token)) {
			t.Errorf("%s: confirmation does not carry the manage link answered to %s", ref, a.req.Email)
		}
	}
	var orphans int
	if err := db.Get(&orphans, `SELECT COUNT(*) FROM outbox WHERE booking_ref IS NOT NULL AND booking_ref NOT IN (SELECT ref FROM bookings)`); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d emails name a booking that does not exist", orphans)
	}
	t.Logf("%d answers, %d live bookings", len(answers), len(live))
}
