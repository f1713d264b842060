package main

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// testServer is a Roster server running in the test process on a real
// database (SQLite, or PostgreSQL when ROSTER_TEST_POSTGRES is set), with
// a coach and the coach's API token.
type testServer struct {
	url   string
	token string
}

func startServer(t *testing.T) testServer {
	t.Helper()
	return startServers(t, 1)[0]
}

// startServers starts n servers on one database, each with a connection
// pool of its own, as n roster serve processes would be; they share the
// coach and the token.
func startServers(t *testing.T, n int) []testServer {
	t.Helper()
	db, dsn := sqldbtest.MustOpenURL(t)
	ctx := context.Background()
	people := coaches.NewService(db, time.Now)
	coach, err := people.Add(ctx, "load@example.com", "Load Coach", "")
	if err != nil {
		t.Fatal(err)
	}
	token, err := people.CreateToken(ctx, coach.ID, coaches.APIToken, "rosterload test")
	if err != nil {
		t.Fatal(err)
	}
	servers := make([]testServer, n)
	for i := range servers {
		if i > 0 {
			if db, err = sqldb.Open(ctx, dsn); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
		}
		servers[i] = testServer{url: serve(t, db), token: token}
	}
	return servers
}

// serve starts a server on db and returns its URL.
func serve(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	const baseURL = "http://roster.test"
	svc := events.NewService(db, time.Now)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: baseURL, From: "Roster <no-reply@localhost>"}, time.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	offline := payments.NewOffline(baseURL)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: baseURL, Payments: offline, MaxOpenPerAddress: -1}, time.Now)
	handler, err := server.New(server.Config{BaseURL: baseURL}, server.Deps{DB: db, Coaches: coaches.NewService(db, time.Now), Events: svc, Booking: bookings, Notifier: notifier,
		Outbox: notify.NewOutbox(db, time.Now), Offline: offline, Log: log, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL
}
