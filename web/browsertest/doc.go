// Package browsertest drives Roster's pages in a real browser: Debian's
// chromium, headless, through github.com/chromedp/chromedp. Its tests
// follow a coach and attendees through the product (signing in, creating
// an event, booking free and through the TEST MODE checkout, managing
// attendees), check each important page with axe-core for serious
// accessibility faults, and, with ROSTER_SCREENSHOTS=1, save screenshots
// to docs/screenshots.
//
// The tests need chromium (apt-get install -y chromium) and axe-core
// (npm ci --prefix web/browsertest/axe). Without them they are skipped,
// except under CI=true, where they fail.
package browsertest
