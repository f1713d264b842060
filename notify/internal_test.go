package notify

import (
	"strings"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration // the delay lies in [min, max)
	}{
		{1, 7500 * time.Millisecond, 15 * time.Second},
		{2, 15 * time.Second, 30 * time.Second},
		{3, 30 * time.Second, time.Minute},
		{4, time.Minute, 2 * time.Minute},
		{5, 2 * time.Minute, 4 * time.Minute},
		{6, 4 * time.Minute, 8 * time.Minute},
		{7, 8 * time.Minute, 16 * time.Minute},
		{8, 16 * time.Minute, 32 * time.Minute},
		{9, 30 * time.Minute, time.Hour},
		{11, 30 * time.Minute, time.Hour},
		{100, 30 * time.Minute, time.Hour},
	}
	for _, tt := range tests {
		for _, jitter := range []float64{0, 0.25, 0.5, 0.999999} {
			got := retryDelay(tt.attempt, jitter)
			if got < tt.min || got >= tt.max {
				t.Errorf("retryDelay(%d, %v) = %v, want in [%v, %v)", tt.attempt, jitter, got, tt.min, tt.max)
			}
		}
		if lo, hi := retryDelay(tt.attempt, 0), retryDelay(tt.attempt, 0.999999); lo != tt.min || hi <= lo {
			t.Errorf("attempt %d: jitter spans [%v, %v], want from %v upwards", tt.attempt, lo, hi, tt.min)
		}
	}
	t.Run("the first retry comes within 30 seconds", func(t *testing.T) {
		if got := retryDelay(1, 0.999999); got > 30*time.Second {
			t.Errorf("first retry after %v", got)
		}
	})
	t.Run("the whole schedule spans hours, not days", func(t *testing.T) {
		var total time.Duration
		for attempt := 1; attempt < MaxAttempts; attempt++ {
			total += retryDelay(attempt, 0.999999)
		}
		if total < 2*time.Hour || total > 6*time.Hour {
			t.Errorf("%d attempts span %v, want a few hours", MaxAttempts, total)
		}
	})
}

func TestFormatWhen(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	newYork, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name       string
		start, end time.Time
		loc        *time.Location
		want       string
	}{
		{"summer evening in London", time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC), time.Date(2027, 9, 22, 19, 0, 0, 0, time.UTC),
			london, "Wednesday 22 September 2027, 18:00–20:00 BST"},
		{"winter evening in London", time.Date(2027, 12, 1, 18, 0, 0, 0, time.UTC), time.Date(2027, 12, 1, 20, 0, 0, 0, time.UTC),
			london, "Wednesday 1 December 2027, 18:00–20:00 GMT"},
		{"the day clocks go forward", time.Date(2027, 3, 28, 17, 0, 0, 0, time.UTC), time.Date(2027, 3, 28, 19, 0, 0, 0, time.UTC),
			london, "Sunday 28 March 2027, 18:00–20:00 BST"},
		{"across the change itself", time.Date(2027, 3, 28, 0, 30, 0, 0, time.UTC), time.Date(2027, 3, 28, 2, 0, 0, 0, time.UTC),
			london, "Sunday 28 March 2027, 00:30 GMT – 03:00 BST"},
		{"across midnight", time.Date(2027, 9, 22, 21, 0, 0, 0, time.UTC), time.Date(2027, 9, 23, 1, 0, 0, 0, time.UTC),
			london, "Wednesday 22 September 2027, 22:00 BST – Thursday 23 September 2027, 02:00 BST"},
		{"another zone", time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC), time.Date(2027, 9, 22, 19, 0, 0, 0, time.UTC),
			newYork, "Wednesday 22 September 2027, 13:00–15:00 EDT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatWhen(tt.start, tt.end, tt.loc); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		minor int64
		code  string
		want  string
	}{
		{4900, "GBP", "£49.00"},
		{123456, "EUR", "€1,234.56"},
		{500, "JPY", "¥500"},
		{1999, "SEK", "SEK 19.99"},
		{5, "USD", "$0.05"},
		{-4900, "GBP", "-£49.00"},
		{100, "???", "100 ???"},
	}
	for _, tt := range tests {
		if got := formatMoney(tt.minor, tt.code); got != tt.want {
			t.Errorf("formatMoney(%d, %s) = %q, want %q", tt.minor, tt.code, got, tt.want)
		}
	}
}

func TestFormatLead(t *testing.T) {
	for minutes, want := range map[int]string{1440: "1 day", 2880: "2 days", 60: "1 hour", 180: "3 hours", 90: "90 minutes", 1: "1 minute"} {
		if got := formatLead(minutes); got != want {
			t.Errorf("formatLead(%d) = %q, want %q", minutes, got, want)
		}
	}
}

func TestTemplates(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	v := view{
		SiteName: "Roster", SiteURL: "https://roster.example", Name: "Ada\r\nLovelace", Event: "Career\nClarity Lab",
		EventURL: "https://roster.example/events/ccl", When: "Wednesday 22 September 2027, 18:00–20:00 BST",
		ShortWhen: "Wed 22 Sep 2027, 18:00 BST", Location: "Online", JoinURL: "javascript:alert(1)", Seats: 2,
		Amount: "£98.00", Refund: "£98.00", Ref: "CCL-7KQ2M9", ManageURL: "https://roster.example/bookings/CCL-7KQ2M9?t=x",
		GoogleURL: "https://calendar.google.com/", OutlookURL: "https://outlook.live.com/", ClaimURL: "https://roster.example/claim",
		OfferExpires: "Friday", Attendee: person{"Ada", "ada@example.com"}, Lead: "1 day", Sender: "James",
		MessageSubject: "Notebooks", Body: "Bring one.", Paragraphs: [][]string{{"Bring one."}},
	}
	for _, kind := range allKinds {
		t.Run(string(kind), func(t *testing.T) {
			out, err := r.render(kind, v)
			if err != nil {
				t.Fatal(err)
			}
			if out.Subject == "" || strings.ContainsAny(out.Subject, "\r\n") {
				t.Errorf("subject %q is empty or not one line", out.Subject)
			}
			if strings.TrimSpace(out.Text) == "" || strings.Contains(out.Text, "\n\n\n") || strings.Contains(out.Text, "<no value>") {
				t.Errorf("text body is empty, holds a hole or a missing value:\n%s", out.Text)
			}
			if !strings.HasPrefix(out.HTML, "<!DOCTYPE html>") || strings.Contains(out.HTML, `href="javascript:`) {
				t.Errorf("HTML body is not a document or keeps a javascript: link")
			}
			if err := (Message{DedupeKey: "k", Kind: kind, To: "ada@example.com", Subject: out.Subject,
				Text: out.Text, HTML: out.HTML, CreatedAt: time.Now()}).Validate(); err != nil {
				t.Errorf("rendered message does not validate: %v", err)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	for _, bad := range []Config{
		{BaseURL: "roster.example", From: "no-reply@roster.example"},
		{BaseURL: "ftp://roster.example", From: "no-reply@roster.example"},
		{BaseURL: "https://roster.example", From: "not an address"},
		{BaseURL: "https://roster.example", From: "Roster <a@roster.example>\r\nBcc: x@example.com"},
	} {
		if _, err := bad.parse(); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
	s, err := Config{BaseURL: "http://localhost:8080/", From: "Roster <no-reply@localhost>"}.parse()
	if err != nil {
		t.Fatal(err)
	}
	if s.host != "localhost" || s.baseURL != "http://localhost:8080" || s.from.Name != "Roster" {
		t.Errorf("parsed %+v", s)
	}
}
