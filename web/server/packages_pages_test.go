package server_test

import (
	"net/url"
	"strings"
	"testing"
)

func TestPackagePages(t *testing.T) {
	e := newPackageEnv(t)
	t.Run("the package page offers the form", func(t *testing.T) {
		a := e.newBrowser().get("/packages/four-chats")
		for _, want := range []string{"Four chats", "4 × Career chat", "£300.00", "£75.00 a call", `action="/packages/four-chats/buy"`, `href="/coaching/career-chat"`} {
			if a.status != 200 || !strings.Contains(a.body, want) {
				t.Errorf("%d: lacks %q", a.status, want)
			}
		}
	})
	t.Run("an unknown or draft package is 404", func(t *testing.T) {
		e.mustDo("POST", "/api/v1/admin/packages", e.jamesToken, 201, `{"slug": "secret", "title": "Secret", "appointment_type": "career-chat", "credits": 1, "status": "draft"}`)
		for _, path := range []string{"/packages/nope", "/packages/secret"} {
			if a := e.newBrowser().get(path); a.status != 404 {
				t.Errorf("%s: %d", path, a.status)
			}
		}
	})
	t.Run("a bad form re-renders with messages beside the fields", func(t *testing.T) {
		a := e.newBrowser().send("POST", "/packages/four-chats/buy", url.Values{"name": {"Ada"}, "email": {"not an email"}}, nil)
		if a.status != 422 || !strings.Contains(a.body, `id="email-error"`) || !strings.Contains(a.body, `value="Ada"`) {
			t.Errorf("%d %.500s", a.status, a.body)
		}
	})
	t.Run("a paid package goes to its checkout", func(t *testing.T) {
		a := e.newBrowser().send("POST", "/packages/four-chats/buy", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}}, nil)
		if a.status != 303 || !strings.Contains(a.location, "/checkout/test/") {
			t.Errorf("%d %q", a.status, a.location)
		}
	})
	t.Run("a free package lands on its page, with a button to book a call", func(t *testing.T) {
		b := e.newBrowser()
		a := b.send("POST", "/packages/gift-pair/buy", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}}, nil)
		if a.status != 303 || !strings.HasPrefix(a.location, "/packages/purchases/PACK-") {
			t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
		}
		u, _ := url.Parse(a.location)
		code := u.Query().Get("t")
		page := b.get(a.location)
		for _, want := range []string{"A pair of chats", "Active", `<strong class="credits-left">3</strong> of 3`, "Saturday 26 December 2026",
			`href="/coaching/career-chat?credit=` + url.QueryEscape(code) + `"`, "Book a call", "None yet."} {
			if page.status != 200 || !strings.Contains(page.body, want) {
				t.Errorf("%d: lacks %q", page.status, want)
			}
		}
		if page.header.Get("Referrer-Policy") != "no-referrer" || page.header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", page.header)
		}
		if other := b.get(u.Path + "?t=wrong"); other.status != 404 || strings.Contains(other.body, "ada@example.com") {
			t.Errorf("a wrong code: %d", other.status)
		}
	})
	t.Run("a paid package's page shows it active after the TEST MODE checkout", func(t *testing.T) {
		p := e.buy("four-chats", "bo@example.com")
		page := e.newBrowser().get("/packages/purchases/" + p.Ref + "?t=" + url.QueryEscape(p.Code) + "&paid=1")
		if page.status != 200 || !strings.Contains(page.body, "Payment received: your 4 credits are ready to use.") || !strings.Contains(page.body, "£300.00") {
			t.Errorf("%d %.500s", page.status, page.body)
		}
	})
	t.Run("an abandoned TEST MODE checkout goes back to the package", func(t *testing.T) {
		out := e.mustDo("POST", "/api/v1/packages/four-chats/purchase", "", 201, `{"name": "Cy", "email": "cy@example.com"}`)
		u, _ := url.Parse(out["checkout_url"].(string))
		a := e.newBrowser().send("POST", u.Path+"/abandon?ref="+out["ref"].(string), url.Values{"t": {out["credit_code"].(string)}}, nil)
		if a.status != 303 || a.location != "/packages/four-chats" {
			t.Errorf("%d %q %.300s", a.status, a.location, a.body)
		}
		p := purchase{Ref: out["ref"].(string), Code: out["credit_code"].(string)}
		if got := e.purchase(p); got["status"] != "abandoned" {
			t.Errorf("%v", got["status"])
		}
	})
}

func TestPackageDashboard(t *testing.T) {
	e := newPackageEnv(t)
	james := e.signedIn("james@example.com")
	paid := e.buy("four-chats", "ada@example.com")
	t.Run("the list shows packages, sales and balances", func(t *testing.T) {
		a := james.get("/dashboard/packages")
		for _, want := range []string{"Four chats", "A pair of chats", paid.Ref, "ada@example.com", "credits outstanding", `href="/dashboard/packages/sales.csv"`} {
			if a.status != 200 || !strings.Contains(a.body, want) {
				t.Errorf("%d: lacks %q", a.status, want)
			}
		}
	})
	t.Run("a new package from the form", func(t *testing.T) {
		if a := james.get("/dashboard/packages/new"); a.status != 200 || !strings.Contains(a.body, `<option value="career-chat"`) {
			t.Fatalf("%d %.300s", a.status, a.body)
		}
		bad := james.post("/dashboard/packages", url.Values{"title": {"Ten chats"}, "appointment_type": {"career-chat"}, "credits": {"ten"}, "price": {"800"}, "valid_days": {"365"}})
		if bad.status != 422 || !strings.Contains(bad.body, "must be a whole number") {
			t.Errorf("%d %.300s", bad.status, bad.body)
		}
		a := james.post("/dashboard/packages", url.Values{"title": {"Ten chats"}, "appointment_type": {"career-chat"}, "credits": {"10"}, "price": {"800"}, "valid_days": {"365"}, "status": {"published"}})
		if a.status != 303 || a.location != "/dashboard/packages/ten-chats?done=created" {
			t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
		}
		if got := e.mustDo("GET", "/api/v1/packages/ten-chats", "", 200, ""); got["price_cents"] != 80000.0 || got["currency"] != "GBP" {
			t.Errorf("%v", got)
		}
	})
	t.Run("grant credits from a package's page", func(t *testing.T) {
		bad := james.post("/dashboard/packages/four-chats/grant", url.Values{"name": {"Eve"}, "email": {"nope"}})
		if bad.status != 422 || !strings.Contains(bad.body, `id="grant-email-error"`) {
			t.Errorf("%d %.300s", bad.status, bad.body)
		}
		a := james.post("/dashboard/packages/four-chats/grant", url.Values{"name": {"Eve"}, "email": {"eve@example.com"}, "credits": {"1"}, "note": {"goodwill"}})
		if a.status != 303 {
			t.Fatalf("%d %.300s", a.status, a.body)
		}
		if page := james.get(a.location); !strings.Contains(page.body, "eve@example.com") || !strings.Contains(page.body, "granted: goodwill") {
			t.Errorf("%.500s", page.body)
		}
	})
	t.Run("extend and refund a purchase", func(t *testing.T) {
		path := "/dashboard/package-purchases/" + paid.Ref
		if page := james.get(path); page.status != 200 || !strings.Contains(page.body, `placeholder="300.00"`) {
			t.Fatalf("%d %.500s", page.status, page.body)
		}
		if a := james.post(path+"/extend", url.Values{"days": {"0"}}); a.status != 422 || !strings.Contains(a.body, "between 1 and 3650") {
			t.Errorf("extend by 0: %d", a.status)
		}
		if a := james.post(path+"/extend", url.Values{"days": {"10"}}); a.status != 303 {
			t.Errorf("extend: %d %.300s", a.status, a.body)
		}
		if a := james.post(path+"/refund", url.Values{"amount": {"999"}}); a.status != 422 || !strings.Contains(a.body, `id="amount-error"`) {
			t.Errorf("refund too much: %d %.300s", a.status, a.body)
		}
		if a := james.post(path+"/refund", url.Values{"amount": {"120.50"}}); a.status != 303 {
			t.Fatalf("refund: %d %.300s", a.status, a.body)
		}
		got := e.mustDo("GET", "/api/v1/packages/purchases/"+paid.Ref+"?t="+url.QueryEscape(paid.Code), "", 200, "")
		if got["status"] != "refunded" || got["credits_left"] != 0.0 {
			t.Errorf("%v", got)
		}
	})
	t.Run("sales as CSV", func(t *testing.T) {
		a := james.get("/dashboard/packages/sales.csv")
		if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(a.body, "ref,package,name,email,status") || !strings.Contains(a.body, paid.Ref+",four-chats,Ada Lovelace,ada@example.com,refunded") {
			t.Errorf("%d %q", a.status, a.body)
		}
	})
	t.Run("another coach gets 404", func(t *testing.T) {
		mallory := e.signedIn("mallory@example.com")
		for _, path := range []string{"/dashboard/packages/four-chats", "/dashboard/package-purchases/" + paid.Ref} {
			if a := mallory.get(path); a.status != 404 || strings.Contains(a.body, "ada@example.com") {
				t.Errorf("GET %s: %d", path, a.status)
			}
		}
		for _, path := range []string{"/dashboard/packages/four-chats/grant", "/dashboard/package-purchases/" + paid.Ref + "/extend", "/dashboard/package-purchases/" + paid.Ref + "/refund"} {
			if a := mallory.post(path, url.Values{"name": {"Mal"}, "email": {"mal@example.com"}, "days": {"1"}, "amount": {"1"}}); a.status != 404 {
				t.Errorf("POST %s: %d", path, a.status)
			}
		}
		if a := mallory.get("/dashboard/packages"); a.status != 200 || strings.Contains(a.body, "ada@example.com") || strings.Contains(a.body, "Four chats") {
			t.Errorf("Mallory's list: %d", a.status)
		}
		if a := mallory.get("/dashboard/packages/sales.csv"); strings.Contains(a.body, "ada@example.com") {
			t.Errorf("Mallory's CSV holds Ada")
		}
	})
}
