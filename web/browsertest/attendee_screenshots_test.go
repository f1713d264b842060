package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// widths are the two the attendee pages are checked and shown at.
var widths = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{name: "desktop", width: 1280, height: 900},
	{name: "phone", width: 390, height: 844, mobile: true},
}

// setWidth makes the tab a desktop window or a phone.
func (b *browser) setWidth(name string) {
	b.t.Helper()
	for _, w := range widths {
		if w.name != name {
			continue
		}
		if w.mobile {
			b.do(chromedp.EmulateViewport(w.width, w.height, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		} else {
			b.do(chromedp.EmulateViewport(w.width, w.height))
		}
		return
	}
	b.t.Fatalf("no width %q", name)
}

// submitRefused clicks a form's button and waits for the page that
// follows, which must answer with status want (a form re-rendered with
// its problems).
func (b *browser) submitRefused(button string, want int64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.Status != want {
		b.t.Fatalf("%s answered %d, want %d", resp.URL, resp.Status, want)
	}
}

// fitsTheScreen fails the test if the page scrolls sideways.
func (b *browser) fitsTheScreen(page string) {
	b.t.Helper()
	if run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
		b.t.Errorf("%s is wider than the screen", page)
	}
}

// TestAttendeeScreenshots walks the demo's attendee pages at desktop and
// phone widths, as a newcomer's "roster serve --demo" shows them: each is
// checked with axe-core, must not scroll sideways, and is rendered; with
// -update-screenshots the pictures go to docs/screenshots.
//
//	go test ./web/browsertest -run Screenshots -update-screenshots
func TestAttendeeScreenshots(t *testing.T) {
	chromium, axe := requirements(t)
	d := startDemoAsNewcomer(t)
	b := newBrowser(t, site{url: d.url}, chromium, axe)
	for i, w := range widths {
		t.Run(w.name, func(t *testing.T) {
			b.t = t
			b.setWidth(w.name)
			shot := func(page string) {
				t.Helper()
				b.checkAccessibility(page + " (" + w.name + ")")
				b.fitsTheScreen(page + " (" + w.name + ")")
				b.screenshot("attendee-" + page + "-" + w.name)
			}
			b.open("/")
			b.mustSee("main", "Career Clarity Lab")
			shot("home")

			b.open("/events/career-clarity-lab")
			b.mustSee(".facts", "Refunds")
			shot("event")

			// An empty form: the summary of what to fix.
			b.submitRefused(`form[action="/events/career-clarity-lab/book"] button[type=submit]`, 422)
			b.mustSee(".error-summary", "Your name is required.")
			shot("event-errors")

			// The last open date, so the near one stays as the demo made it.
			b.open("/events/career-clarity-lab")
			id := run(b, chromedp.Evaluate[string](`(function () {
  var open = document.querySelectorAll('input[name="session_id"]:not([disabled])');
  return open[open.length - 1].value;
})()`))
			b.do(chromedp.Click(chromedp.ID("session-" + id)))
			b.typeInto("name", "Mary Somerville")
			b.typeInto("email", fmt.Sprintf("mary%d@example.com", i))
			b.set("seats", "2")
			b.submit(`form[action="/events/career-clarity-lab/book"] button[type=submit]`)
			b.mustSee(".facts", "2 × £49.00 = £98.00")
			shot("checkout")

			b.payOnTestCheckout()
			b.mustSee(".welcome", "You're booked")
			shot("booking")

			b.load(chromedp.Click(chromedp.CSS(`a[href*="/receipt"]`)))
			b.mustSee("main", "Payment reference")
			shot("receipt")

			b.open("/dev/mailbox")
			b.mustSee("main", "Booked: Career Clarity Lab")
			shot("mailbox")
			b.load(chromedp.Click(chromedp.CSS(`table.mailbox a`)))
			if got := b.text("main"); !strings.Contains(got, "Text") {
				t.Errorf("a message in the dev mailbox: %q", got)
			}
			shot("mailbox-message")
		})
	}
}
