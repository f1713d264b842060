package events_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type fixture struct {
	db             *sqldb.DB
	svc            *events.Service
	james, parveen events.Coach
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := sqldbtest.MustOpenDB(t)
	svc := events.NewService(db, func() time.Time { return now })
	ctx := context.Background()
	james, err := svc.AddCoach(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	parveen, err := svc.AddCoach(ctx, "Parveen@Example.com", "Parveen Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: db, svc: svc, james: james, parveen: parveen}
}

func labInput() events.EventInput {
	london, _ := time.LoadLocation("Europe/London")
	return events.EventInput{
		Title: "Career Clarity Lab", Summary: "Two evenings to find your next step.",
		Description: "**Bring** a notebook.", Timezone: "Europe/London", Location: "Online",
		OnlineURL: "https://meet.example.com/ccl", PriceCents: 4900, Currency: "gbp", Status: events.Published,
		HostEmails: []string{"parveen@example.com"},
		Sessions: []events.SessionInput{
			{StartsAt: time.Date(2027, 9, 22, 18, 0, 0, 0, london), EndsAt: time.Date(2027, 9, 22, 20, 0, 0, 0, london), Capacity: 12},
			{StartsAt: time.Date(2027, 9, 29, 18, 0, 0, 0, london), EndsAt: time.Date(2027, 9, 29, 20, 0, 0, 0, london), Capacity: 12},
		},
	}
}

func TestCreateEvent(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		fx := newFixture(t)
		e, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := e.Slug, "career-clarity-lab"; got != want {
			t.Errorf("slug: got %q, want %q", got, want)
		}
		if got, want := e.Currency, "GBP"; got != want {
			t.Errorf("currency: got %q, want %q", got, want)
		}
		if got, want := len(e.Hosts), 2; got != want {
			t.Fatalf("hosts: got %d, want %d", got, want)
		}
		if got, want := e.Hosts[0].Name+","+e.Hosts[1].Name, "James Downer,Parveen Downer"; got != want {
			t.Errorf("hosts: got %q, want %q", got, want)
		}
		if got, want := len(e.Sessions), 2; got != want {
			t.Fatalf("sessions: got %d, want %d", got, want)
		}
		if got, want := e.Sessions[0].StartsAt, time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("first session starts at %v, want %v (18:00 BST)", got, want)
		}
		if got, want := e.Sessions[0].SeatsLeft(), 12; got != want {
			t.Errorf("seats left: got %d, want %d", got, want)
		}
		if got, want := []int(e.ReminderOffsetsMinutes), []int{1440, 60}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("reminders: got %v, want %v", got, want)
		}
	})
	t.Run("slug from title is made unique", func(t *testing.T) {
		fx := newFixture(t)
		first, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
		if err != nil {
			t.Fatal(err)
		}
		second, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
		if err != nil {
			t.Fatal(err)
		}
		if first.Slug == second.Slug || second.Slug != "career-clarity-lab-2" {
			t.Errorf("slugs %q and %q, want career-clarity-lab and career-clarity-lab-2", first.Slug, second.Slug)
		}
	})
	t.Run("ErrSlugTaken", func(t *testing.T) {
		fx := newFixture(t)
		in := labInput()
		in.Slug = "ccl"
		if _, err := fx.svc.CreateEvent(ctx, fx.james.ID, in); err != nil {
			t.Fatal(err)
		}
		_, err := fx.svc.CreateEvent(ctx, fx.parveen.ID, in)
		if !errors.Is(err, events.ErrSlugTaken) {
			t.Fatalf("got %v, want ErrSlugTaken", err)
		}
	})
	t.Run("unknown host is named", func(t *testing.T) {
		fx := newFixture(t)
		in := labInput()
		in.HostEmails = []string{"nobody@example.com"}
		_, err := fx.svc.CreateEvent(ctx, fx.james.ID, in)
		assertFields(t, err, "hosts")
	})
}

func TestEventValidation(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	tests := []struct {
		name   string
		change func(*events.EventInput)
		field  string
	}{
		{"empty title", func(in *events.EventInput) { in.Title = "  " }, "title"},
		{"title too long", func(in *events.EventInput) { in.Title = strings.Repeat("x", 201) }, "title"},
		{"unknown zone", func(in *events.EventInput) { in.Timezone = "Mars/Olympus" }, "timezone"},
		{"Local is not a zone", func(in *events.EventInput) { in.Timezone = "Local" }, "timezone"},
		{"negative price", func(in *events.EventInput) { in.PriceCents = -1 }, "price_cents"},
		{"unknown currency", func(in *events.EventInput) { in.Currency = "XYZ" }, "currency"},
		{"no currency", func(in *events.EventInput) { in.Currency = "" }, "currency"},
		{"bad slug", func(in *events.EventInput) { in.Slug = "../etc/passwd" }, "slug"},
		{"bad status", func(in *events.EventInput) { in.Status = "live" }, "status"},
		{"online url not http", func(in *events.EventInput) { in.OnlineURL = "javascript:alert(1)" }, "online_url"},
		{"bad host email", func(in *events.EventInput) { in.HostEmails = []string{"x@y\r\nBcc: z@w.com"} }, "hosts"},
		{"reminder zero", func(in *events.EventInput) { in.ReminderOffsetsMinutes = events.Minutes{0} }, "reminder_offsets_minutes"},
		{"null byte in title", func(in *events.EventInput) { in.Title = "a\x00b" }, "title"},
		{"capacity zero", func(in *events.EventInput) { in.Sessions[0].Capacity = 0 }, "sessions[0].capacity"},
		{"end before start", func(in *events.EventInput) {
			in.Sessions[1].EndsAt = in.Sessions[1].StartsAt.Add(-time.Hour)
		}, "sessions[1].ends_at"},
		{"date in the past", func(in *events.EventInput) {
			in.Sessions[0].StartsAt = time.Date(2025, 9, 22, 18, 0, 0, 0, london)
			in.Sessions[0].EndsAt = time.Date(2025, 9, 22, 20, 0, 0, 0, london)
		}, "sessions[0].starts_at"},
		{"missing start", func(in *events.EventInput) { in.Sessions[0].StartsAt = time.Time{} }, "sessions[0].starts_at"},
	}
	fx := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := labInput()
			tt.change(&in)
			_, err := fx.svc.CreateEvent(context.Background(), fx.james.ID, in)
			assertFields(t, err, tt.field)
		})
	}
	if n, _ := fx.svc.CountEvents(context.Background()); n != 0 {
		t.Errorf("%d events written by invalid input, want 0", n)
	}
}

func TestHostOnlyEdits(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	outsider, err := fx.svc.AddCoach(ctx, "mallory@example.com", "Mallory", "")
	if err != nil {
		t.Fatal(err)
	}
	e, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
	if err != nil {
		t.Fatal(err)
	}
	title := "Career Clarity Lab II"
	t.Run("co-host edits", func(t *testing.T) {
		got, err := fx.svc.UpdateEvent(ctx, fx.parveen.ID, e.Slug, events.EventPatch{Title: &title})
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != title {
			t.Errorf("title %q, want %q", got.Title, title)
		}
	})
	t.Run("outsider cannot edit", func(t *testing.T) {
		_, err := fx.svc.UpdateEvent(ctx, outsider.ID, e.Slug, events.EventPatch{Title: &title})
		if !errors.Is(err, events.ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("outsider cannot add, change or cancel dates", func(t *testing.T) {
		in := events.SessionInput{StartsAt: now.Add(48 * time.Hour), EndsAt: now.Add(50 * time.Hour), Capacity: 5}
		if _, err := fx.svc.AddSession(ctx, outsider.ID, e.Slug, in); !errors.Is(err, events.ErrNotFound) {
			t.Errorf("add: got %v, want ErrNotFound", err)
		}
		capacity := 1
		if _, err := fx.svc.UpdateSession(ctx, outsider.ID, e.Sessions[0].ID, events.SessionPatch{Capacity: &capacity}); !errors.Is(err, events.ErrNotFound) {
			t.Errorf("update: got %v, want ErrNotFound", err)
		}
		if _, err := fx.svc.CancelSession(ctx, outsider.ID, e.Sessions[0].ID); !errors.Is(err, events.ErrNotFound) {
			t.Errorf("cancel: got %v, want ErrNotFound", err)
		}
	})
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	e, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("add a date", func(t *testing.T) {
		in := events.SessionInput{StartsAt: now.Add(72 * time.Hour), EndsAt: now.Add(74 * time.Hour), Capacity: 8}
		sess, err := fx.svc.AddSession(ctx, fx.james.ID, e.Slug, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fx.svc.EventBySlug(ctx, e.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Sessions) != 3 || got.Sessions[0].ID != sess.ID {
			t.Errorf("sessions %+v, want the new date first of three", got.Sessions)
		}
	})
	t.Run("moving a date raises its sequence", func(t *testing.T) {
		start, end := e.Sessions[0].StartsAt.Add(time.Hour), e.Sessions[0].EndsAt.Add(time.Hour)
		sess, err := fx.svc.UpdateSession(ctx, fx.james.ID, e.Sessions[0].ID, events.SessionPatch{StartsAt: &start, EndsAt: &end})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := sess.Sequence, 1; got != want {
			t.Errorf("sequence %d, want %d", got, want)
		}
	})
	t.Run("capacity below one is refused", func(t *testing.T) {
		capacity := 0
		_, err := fx.svc.UpdateSession(ctx, fx.james.ID, e.Sessions[1].ID, events.SessionPatch{Capacity: &capacity})
		assertFields(t, err, "capacity")
	})
	t.Run("cancel a date", func(t *testing.T) {
		sess, err := fx.svc.CancelSession(ctx, fx.parveen.ID, e.Sessions[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Status != events.SessionCancelled {
			t.Errorf("status %q, want cancelled", sess.Status)
		}
	})
}

func TestPublicVisibility(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	published, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
	if err != nil {
		t.Fatal(err)
	}
	draft := labInput()
	draft.Title, draft.Status = "Secret Draft", events.Draft
	d, err := fx.svc.CreateEvent(ctx, fx.james.ID, draft)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := events.Cancelled
	if _, err := fx.svc.UpdateEvent(ctx, fx.james.ID, published.Slug, events.EventPatch{}); err != nil {
		t.Fatal(err)
	}
	t.Run("draft is not public", func(t *testing.T) {
		if _, err := fx.svc.PublicEvent(ctx, d.Slug); !errors.Is(err, events.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("published is listed", func(t *testing.T) {
		list, err := fx.svc.Upcoming(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Slug != published.Slug {
			t.Errorf("upcoming %v, want only %s", list, published.Slug)
		}
	})
	t.Run("cancelled is not public", func(t *testing.T) {
		if _, err := fx.svc.UpdateEvent(ctx, fx.james.ID, published.Slug, events.EventPatch{Status: &cancelled}); !errors.Is(err, events.ErrCancelThroughBooking) {
			t.Fatalf("cancel by an edit: %v, want ErrCancelThroughBooking", err)
		}
		err := fx.db.InTx(ctx, func(tx *sqlx.Tx) error {
			_, _, err := events.CancelEventIn(ctx, tx, fx.james.ID, published.Slug, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.PublicEvent(ctx, published.Slug); !errors.Is(err, events.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	token, err := fx.svc.CreateToken(ctx, fx.james.ID, events.APIToken, "cli")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		c, err := fx.svc.Authenticate(ctx, token, events.APIToken)
		if err != nil || c.ID != fx.james.ID {
			t.Fatalf("got %v %v, want james", c, err)
		}
	})
	t.Run("wrong kind", func(t *testing.T) {
		if _, err := fx.svc.Authenticate(ctx, token, events.FeedToken); !errors.Is(err, events.ErrUnauthorized) {
			t.Errorf("got %v, want ErrUnauthorized", err)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if _, err := fx.svc.Authenticate(ctx, token+"x", events.APIToken); !errors.Is(err, events.ErrUnauthorized) {
			t.Errorf("got %v, want ErrUnauthorized", err)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		if err := fx.svc.RevokeTokens(ctx, fx.james.ID, events.APIToken); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Authenticate(ctx, token, events.APIToken); !errors.Is(err, events.ErrUnauthorized) {
			t.Errorf("got %v, want ErrUnauthorized", err)
		}
	})
	t.Run("token is long and random", func(t *testing.T) {
		if len(token) < 40 {
			t.Errorf("token %q is too short for 256 bits", token)
		}
	})
}

func TestSlugify(t *testing.T) {
	tests := []struct{ title, want string }{
		{"Career Clarity Lab", "career-clarity-lab"},
		{"  Café & Crème: Déjà vu!  ", "cafe-and-creme-deja-vu"},
		{"日本", "event"},
		{"a--b", "a-b"},
	}
	for _, tt := range tests {
		if got := events.Slugify(tt.title); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func assertFields(t *testing.T, err error, field string) {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != fault.Invalid {
		t.Fatalf("got %v, want a validation error on %s", err, field)
	}
	if _, ok := fe.Fields[field]; !ok {
		t.Fatalf("fields %v, want one named %s", fe.Fields, field)
	}
}
