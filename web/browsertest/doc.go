// Package browsertest drives Roster's pages in a real browser: Debian's
// chromium, headless, through github.com/chromedp/chromedp. Its tests
// follow a coach and attendees through the product (signing in, creating
// an event, booking free and through the TEST MODE checkout, managing
// attendees, the coach's pages at desktop and phone widths), and check
// each important page with axe-core for serious accessibility faults.
//
// The screenshots in docs/screenshots come from the demo (`roster serve
// --demo`) and are written by one command:
//
//	go test ./web/browsertest -run Screenshots -update-screenshots
//
// Without -update-screenshots the same tests render and check the pages
// and write nothing, so a test run leaves the tree clean.
//
// The tests need chromium (apt-get install -y chromium) and axe-core
// (npm ci --prefix web/browsertest/axe). Without them they are skipped,
// except under CI=true, where they fail.
package browsertest
