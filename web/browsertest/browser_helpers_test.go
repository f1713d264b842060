package browsertest_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browser is one headless chromium tab on the site.
type browser struct {
	t    *testing.T
	ctx  context.Context
	site site
	axe  string
}

func newBrowser(t *testing.T, s site, chromium, axe string) *browser {
	t.Helper()
	// The browser is in London, like the events, as a coach there would be.
	return newBrowserIn(t, s, chromium, axe, "Europe/London")
}

// newBrowserIn is a browser whose clock is in zone, as a visitor's there.
func newBrowserIn(t *testing.T, s site, chromium, axe, zone string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, site: s, axe: axe}
	// The first action starts the browser, which lives as long as the
	// context of that call: so it gets the tab's context, with no timeout.
	// It records Content-Security-Policy violations on every page, so a
	// page that relies on inline script or style fails the test instead of
	// silently losing it.
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});`,
		})
		return err
	}))
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func run[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// load runs steps that navigate (a link, a form) and waits for the page
// that follows, failing on an error status.
func (b *browser) load(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.Status >= 400 {
		body := run(b, chromedp.Text(chromedp.CSS("main")))
		b.t.Fatalf("%s answered %d: %s", resp.URL, resp.Status, body)
	}
	if v := run(b, chromedp.Evaluate[[]string](`window.__cspViolations || []`)); len(v) > 0 {
		b.t.Errorf("%s: Content-Security-Policy violations: %v", resp.URL, v)
	}
}

func (b *browser) open(path string) { b.t.Helper(); b.load(chromedp.Navigate(b.site.url + path)) }

// submit clicks a form's button and waits for the page it leads to.
func (b *browser) submit(button string) { b.t.Helper(); b.load(chromedp.Click(chromedp.CSS(button))) }

// set sets a field's value, replacing what it held.
func (b *browser) set(id, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.ID(id), value))
}

// typeInto types into an empty field, key by key.
func (b *browser) typeInto(id, text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.ID(id), text))
}

func (b *browser) text(css string) string {
	b.t.Helper()
	return run(b, chromedp.Text(chromedp.CSS(css)))
}

func (b *browser) path() string {
	b.t.Helper()
	u, err := url.Parse(run(b, chromedp.Location()))
	if err != nil {
		b.t.Fatal(err)
	}
	return u.Path
}

func (b *browser) mustSee(css, want string) {
	b.t.Helper()
	if got := b.text(css); !strings.Contains(got, want) {
		b.t.Fatalf("%s on %s says %q, want %q in it", css, b.path(), got, want)
	}
}

// axeViolation is what axe-core reports of one broken rule.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAccessibility runs axe-core on the page and fails on any serious
// or critical violation; lesser ones are logged.
func (b *browser) checkAccessibility(name string) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[*struct{}](b.axe+"; null")(ctx, t)
		return err
	}))
	violations := run(b, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  return r.violations.map(function (v) {
    return {id: v.id, impact: v.impact || "", help: v.help,
      nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" ") + ": " + n.failureSummary; })};
  });
})`, chromedp.EvalAwaitPromise))
	for _, v := range violations {
		msg := fmt.Sprintf("%s: axe %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// screenshot renders the whole page as a PNG and, with
// -update-screenshots, saves it as docs/screenshots/<name>.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png := run(b, chromedp.FullScreenshot(100))
	if len(png) < 1000 {
		b.t.Fatalf("screenshot %s: %d bytes, want a picture", name, len(png))
	}
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

// fetchText reads a URL with the page's cookies, as a click on a download
// link would, and returns its status and body.
func (b *browser) fetchText(path string) (int, string) {
	b.t.Helper()
	type result struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	r := run(b, chromedp.Evaluate[result](fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(function (r) {
  return r.text().then(function (body) { return {status: r.status, body: body}; });
})`, path), chromedp.EvalAwaitPromise))
	return r.Status, r.Body
}

// bookOnPublicPage fills in the public booking form for a date and sends it.
func (b *browser) bookOnPublicPage(slug string, sessionID int64, name, email string) {
	b.t.Helper()
	b.open("/events/" + slug)
	b.do(chromedp.Click(chromedp.ID(fmt.Sprintf("session-%d", sessionID))))
	b.typeInto("name", name)
	b.typeInto("email", email)
	b.submit(`form[action="/events/` + slug + `/book"] button[type=submit]`)
}

// payOnTestCheckout presses Pay on the offline TEST MODE checkout.
func (b *browser) payOnTestCheckout() {
	b.t.Helper()
	if !strings.HasPrefix(b.path(), "/checkout/test/") {
		b.t.Fatalf("a paid booking went to %s, want the TEST MODE checkout", b.path())
	}
	b.mustSee("main", "TEST MODE")
	b.submit(`form[action*="/pay"] button[type=submit]`)
}
