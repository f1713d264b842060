package browsertest_test

import (
	"flag"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// updateScreenshots makes the screenshot tests write docs/screenshots;
// without it they render and check the same pages and write nothing, so
// a test run leaves the tree clean.
var updateScreenshots = flag.Bool("update-screenshots", false, "write the PNGs in docs/screenshots")

// saveScreenshot saves the whole page as docs/screenshots/<name>.png when
// -update-screenshots is given.
func (b *browser) saveScreenshot(name string) {
	b.t.Helper()
	png := run(b, chromedp.FullScreenshot(100))
	if !*updateScreenshots {
		return
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
