package browsertest_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The dashboard's screenshots in docs/screenshots come from the demo, as
// a newcomer sees it after `go run ./cmd/roster serve --demo`: this test
// builds the binary, starts it with --demo on an empty SQLite file, gives
// James a password with `roster coach password`, books two seats through
// the TEST MODE checkout, and then walks every dashboard page at desktop
// and phone widths, checking each with axe-core. It writes the PNGs only
// with -update-screenshots:
//
//	go test ./web/browsertest -run Screenshots -update-screenshots
//
// Without the flag it renders and checks the same pages and writes nothing.

// demoServer is `roster serve --demo` running as its own process.
type demoServer struct {
	url    string
	binary string
	env    []string
}

// startDemo builds cmd/roster and serves the demo on a free loopback port.
func startDemo(t *testing.T) demoServer {
	t.Helper()
	dir := t.TempDir()
	binary := filepath.Join(dir, "roster")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/roster")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build roster: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	d := demoServer{url: "http://" + addr, binary: binary, env: append(os.Environ(),
		"DATABASE_URL="+filepath.Join(dir, "demo.db"), "ROSTER_ADDR="+addr, "ROSTER_BASE_URL=http://"+addr,
		"SMTP_URL=", "STRIPE_SECRET_KEY=", "STRIPE_WEBHOOK_SECRET=")}
	ctx, cancel := context.WithCancel(context.Background())
	serve := exec.CommandContext(ctx, binary, "serve", "--demo")
	serve.Env = d.env
	serve.Stdout, serve.Stderr = testWriter{t}, testWriter{t}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = serve.Wait(); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(d.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo server did not become ready: %v", err)
		}
		select {
		case <-done:
			t.Fatal("the demo server exited")
		case <-time.After(100 * time.Millisecond):
		}
	}
	return d
}

// setPassword gives a demo coach a password through the CLI.
func (d demoServer) setPassword(t *testing.T, email, password string) {
	t.Helper()
	cmd := exec.Command(d.binary, "coach", "password", "--email", email, "--password-stdin")
	cmd.Env, cmd.Stdin = d.env, strings.NewReader(password+"\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("roster coach password: %v\n%s", err, out)
	}
}

// dashboardPages are the dashboard pages a coach reaches from the demo,
// named as their screenshots are. {date} is the first date's id, {ref} a
// booking's ref on it.
var dashboardPages = []struct{ name, path string }{
	{"dashboard", "/dashboard"},
	{"dashboard-event", "/dashboard/events/career-clarity-lab"},
	{"dashboard-preview", "/dashboard/events/career-clarity-lab/preview"},
	{"dashboard-date", "/dashboard/sessions/{date}"},
	{"dashboard-booking", "/dashboard/bookings/{ref}"},
	{"dashboard-questions", "/dashboard/events/career-clarity-lab/questions"},
	{"dashboard-new-event", "/dashboard/events/new"},
	{"dashboard-emails", "/dashboard/outbox"},
	{"dashboard-payments", "/dashboard/webhooks"},
	{"dashboard-settings", "/dashboard/settings"},
	{"dashboard-forgot-password", "/dashboard/forgot-password"},
}

func TestDashboardScreenshots(t *testing.T) {
	chromium, axe := requirements(t)
	demo := startDemo(t)
	demo.setPassword(t, "james@example.com", coachPassword)
	s := site{url: demo.url}

	attendee := newBrowser(t, s, chromium, axe)
	// The demo already has Ada on its near date and Grace on last week's;
	// two more book the first date still open.
	for _, who := range []struct{ name, email string }{{"Mary Somerville", "mary@example.com"}, {"Hedy Lamarr", "hedy@example.com"}} {
		attendee.open("/events/career-clarity-lab")
		attendee.do(chromedp.Click(chromedp.CSS(`input[name="session_id"]:not([disabled])`)))
		attendee.typeInto("name", who.name)
		attendee.typeInto("email", who.email)
		attendee.submit(`form[action="/events/career-clarity-lab/book"] button[type=submit]`)
		attendee.payOnTestCheckout()
		attendee.mustSee("main", "Confirmed")
	}

	coach := newBrowser(t, s, chromium, axe)
	coach.open("/dashboard/login")
	coach.typeInto("email", "james@example.com")
	coach.typeInto("password", coachPassword)
	coach.submit(`form[action="/dashboard/login"] button[type=submit]`)
	coach.mustSee("h1", "Hello, James Downer")
	// lastPart is the end of the first link's path under prefix.
	lastPart := func(prefix string) string {
		return run(coach, chromedp.Evaluate[string](`(function () {
  var a = document.querySelector('a[href^="`+prefix+`"]');
  return a ? a.getAttribute("href").split("/").pop() : "";
})()`))
	}
	date := lastPart("/dashboard/sessions/")
	if date == "" {
		t.Fatal("the overview links to no date")
	}
	coach.open("/dashboard/sessions/" + date)
	ref := lastPart("/dashboard/bookings/")
	if ref == "" {
		t.Fatal("the date lists no booking")
	}
	fill := strings.NewReplacer("{date}", date, "{ref}", ref)

	widths := []struct {
		suffix        string
		width, height int64
		phone         bool
	}{{"", 1280, 900, false}, {"-phone", 390, 844, true}}
	for _, w := range widths {
		t.Run(fmt.Sprintf("at %d pixels", w.width), func(t *testing.T) {
			coach.t = t
			if w.phone {
				coach.do(chromedp.EmulateViewport(w.width, w.height, chromedp.EmulateScale(2), chromedp.EmulateMobile))
			} else {
				coach.do(chromedp.EmulateViewport(w.width, w.height))
			}
			for _, p := range dashboardPages {
				path := fill.Replace(p.path)
				coach.open(path)
				coach.checkAccessibility(p.name + w.suffix)
				if overflow := run(coach, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)); overflow {
					t.Errorf("%s is wider than the %d-pixel screen", path, w.width)
				}
				coach.saveScreenshot(p.name + w.suffix)
			}
		})
	}
}
