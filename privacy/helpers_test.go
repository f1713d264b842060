package privacy_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/privacy"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a Roster with one coach, a paid workshop (the Lab) and a free
// one (the Taster, one seat a date), each on Sept 22 and Sept 29 2027,
// with the real notifier writing the outbox and offline payments.
type fixture struct {
	db       *sqldb.DB
	clock    *clock
	coaches  *coaches.Service
	booking  *booking.Service
	privacy  *privacy.Service
	offline  *payments.Offline
	deliver  *notify.Deliverer
	coach    coaches.Coach
	lab      events.Event
	taster   events.Event
	sept22   time.Time
	consent  booking.Consent
	privSets coaches.Privacy
	// adaPackage is the gift package people gives Ada.
	adaPackage booking.PurchaseResult
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := &fixture{db: sqldbtest.MustOpenDB(t), clock: &clock{t: time.Date(2027, 9, 1, 12, 0, 0, 0, time.UTC)},
		sept22: time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC), consent: booking.Consent{Terms: true}}
	cfg := notify.Config{BaseURL: "http://roster.test", From: "Roster <no-reply@roster.test>"}
	notifier, err := notify.NewBookingNotifier(cfg, fx.clock.Now, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	fx.offline = payments.NewOfflineWithClock("http://roster.test", fx.clock.Now)
	fx.booking = booking.NewService(fx.db, notifier, booking.Config{BaseURL: "http://roster.test", Payments: fx.offline}, fx.clock.Now)
	fx.privacy = privacy.NewService(fx.db, fx.booking, fx.clock.Now)
	fx.coaches = coaches.NewService(fx.db, fx.clock.Now)
	mailbox := notify.NewDevMailbox(100, slog.New(slog.DiscardHandler), fx.clock.Now)
	if fx.deliver, err = notify.NewDeliverer(fx.db, mailbox, cfg, fx.clock.Now, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if fx.coach, err = fx.coaches.Add(ctx, "james@example.com", "James Downer", ""); err != nil {
		t.Fatal(err)
	}
	fx.privSets, err = fx.coaches.SetPrivacy(ctx, fx.coach.ID, coaches.Privacy{NoticeURL: "https://james.example/privacy",
		Terms: "I agree to the workshop terms.", RequireConsent: true, MarketingText: "Send me news of future workshops.",
		EraseAfterDays: 3, RetentionDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	ev := events.NewService(fx.db, fx.clock.Now)
	for _, e := range []struct {
		into     *events.Event
		title    string
		price    int64
		capacity int
	}{{&fx.lab, "Career Clarity Lab", 4900, 12}, {&fx.taster, "Free Taster", 0, 1}} {
		*e.into, err = ev.CreateEvent(ctx, fx.coach.ID, events.EventInput{Title: e.title, Timezone: "Europe/London",
			PriceCents: e.price, Currency: "GBP", Status: events.Published, Sessions: []events.SessionInput{
				{StartsAt: fx.sept22, EndsAt: fx.sept22.Add(2 * time.Hour), Capacity: e.capacity},
				{StartsAt: fx.sept22.AddDate(0, 0, 7), EndsAt: fx.sept22.AddDate(0, 0, 7).Add(2 * time.Hour), Capacity: e.capacity},
			}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

// book books one seat with consent to the terms; a paid booking is paid
// through the offline provider.
func (fx *fixture) book(t *testing.T, sessionID int64, name, email string) booking.Result {
	t.Helper()
	ctx := context.Background()
	res, err := fx.booking.Reserve(ctx, booking.Request{SessionID: sessionID, Name: name, Email: email, Seats: 1, Consent: fx.consent})
	if err != nil {
		t.Fatalf("reserve: %v", err)
	}
	if res.Booking.Status != booking.PendingPayment {
		return res
	}
	co, err := fx.booking.StartCheckout(ctx, res.Booking.Ref, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(co.URL)
	cs := strings.TrimPrefix(u.Path, "/checkout/test/")
	if _, err := fx.booking.ApplyPayment(ctx, fx.offline.CompleteEvent(cs, res.Booking.Ref, res.Booking.AmountCents, "GBP", fx.clock.Now())); err != nil {
		t.Fatal(err)
	}
	return res
}

// people books Ada (paid on both Lab dates, the free Taster's second date,
// waiting for its first) and Bob (the Taster's first date and the Lab's
// first), and delivers their mail. It returns Ada's Lab bookings.
func (fx *fixture) people(t *testing.T) (adaPast, adaFuture booking.Result) {
	t.Helper()
	adaPast = fx.book(t, fx.lab.Sessions[0].ID, "Ada Lovelace", "ada@example.com")
	adaFuture = fx.book(t, fx.lab.Sessions[1].ID, "Ada Lovelace", "ada@example.com")
	fx.book(t, fx.taster.Sessions[1].ID, "Ada Lovelace", "Ada@Example.com")
	fx.book(t, fx.taster.Sessions[0].ID, "Bob Baker", "bob@example.com")
	fx.book(t, fx.lab.Sessions[0].ID, "Bob Baker", "bob@example.com")
	if _, err := fx.booking.JoinWaitlist(context.Background(), booking.Request{SessionID: fx.taster.Sessions[0].ID, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1}); err != nil {
		t.Fatal(err)
	}
	fx.adaPackage = fx.giftPackage(t, "Ada Lovelace", "ada@example.com")
	if _, err := fx.deliver.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return adaPast, adaFuture
}

// giftPackage gives the person a free package of two Career chats (hosted
// by the coach), which confirms at once and mails its credit code.
func (fx *fixture) giftPackage(t *testing.T, name, email string) booking.PurchaseResult {
	t.Helper()
	ctx := context.Background()
	if _, _, err := fx.booking.PublicPackage(ctx, "two-chats"); err != nil {
		_, err := events.NewService(fx.db, fx.clock.Now).CreateAppointmentType(ctx, fx.coach.ID, events.AppointmentTypeInput{
			Slug: "career-chat", Title: "Career chat", DurationMinutes: 45, Currency: "GBP", Location: "Online",
			Assignment: "any", HorizonDays: 60, Status: events.Published})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.booking.CreatePackage(ctx, fx.coach.ID, booking.PackageInput{Slug: "two-chats", Title: "Two chats",
			AppointmentType: "career-chat", Credits: 2, Currency: "GBP", ValidDays: 180}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := fx.booking.BuyPackage(ctx, booking.PurchaseRequest{PackageSlug: "two-chats", Name: name, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	if res.Purchase.Status != booking.PurchaseActive {
		t.Fatalf("a gift package is %s, want active", res.Purchase.Status)
	}
	return res
}

// traces returns "table.column" for every text-bearing column of every
// table (listed from the database's catalogue) that contains one of needles,
// case-insensitively.
func traces(t *testing.T, db *sqldb.DB, needles ...string) []string {
	t.Helper()
	type column struct{ Table, Name string }
	var cols []column
	if db.Dialect == sqldb.Postgres {
		rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c column
			if err := rows.Scan(&c.Table, &c.Name); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
	} else {
		var tables []string
		if err := db.Select(&tables, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`); err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			var names []string
			if err := db.Select(&names, `SELECT name FROM pragma_table_info(?)`, table); err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				cols = append(cols, column{table, n})
			}
		}
	}
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c.Table] = true
	}
	for _, must := range []string{"bookings", "waitlist", "outbox", "booking_consents", "privacy_log", "coach_sessions", "package_purchases"} {
		if !seen[must] {
			t.Fatalf("the catalogue lists no table %s: the scan would miss it (tables: %v)", must, seen)
		}
	}
	var found []string
	for _, c := range cols {
		for _, needle := range needles {
			var n int
			q := db.Rebind(fmt.Sprintf(`SELECT COUNT(*) FROM %q WHERE LOWER(CAST(%q AS TEXT)) LIKE ?`, c.Table, c.Name))
			if err := db.Get(&n, q, "%"+strings.ToLower(needle)+"%"); err != nil {
				t.Fatalf("scan %s.%s: %v", c.Table, c.Name, err)
			}
			if n > 0 {
				found = append(found, fmt.Sprintf("%s.%s has %q %d times", c.Table, c.Name, needle, n))
			}
		}
	}
	return found
}

func (fx *fixture) mustCheck(t *testing.T) {
	t.Helper()
	problems, err := fx.booking.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("invariant: %s", p)
	}
}

// purchaseExpiry returns when Ada's gift package expires (UTC).
func (fx *fixture) purchaseExpiry(t *testing.T) time.Time {
	t.Helper()
	var expires time.Time
	if err := fx.db.Get(&expires, fx.db.Rebind(`SELECT expires_at FROM package_purchases WHERE ref = ?`), fx.adaPackage.Purchase.Ref); err != nil {
		t.Fatal(err)
	}
	return expires.UTC()
}
