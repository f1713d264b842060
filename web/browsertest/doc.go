// Package browsertest drives Roster's pages in a real browser: Debian's
// chromium, headless, through github.com/chromedp/chromedp. Its tests
// follow a coach and attendees through the product (signing in, creating
// an event, booking free and through the TEST MODE checkout, managing
// attendees), check each important page with axe-core for serious
// accessibility faults, and render screenshots. The attendee pages are
// also walked on the demo itself ("roster serve --demo", built and run),
// at desktop and phone widths; with -update-screenshots those pictures
// are saved to docs/screenshots:
//
//	go test ./web/browsertest -run Screenshots -update-screenshots
//
// The tests need chromium (apt-get install -y chromium) and axe-core
// (npm ci --prefix web/browsertest/axe). Without them they are skipped,
// except under CI=true, where they fail.
package browsertest
