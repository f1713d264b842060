package packaging

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// TestDashboardQueriesNameRosterMetrics keeps the Grafana dashboard in step
// with the metric names the metrics package and web export.
func TestDashboardQueriesNameRosterMetrics(t *testing.T) {
	raw, err := os.ReadFile("grafana-roster.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{
		"roster_bookings": true, "roster_holds_open": true, "roster_outbox_unsent": true,
		"roster_outbox_failed": true, "roster_outbox_oldest_unsent_age_seconds": true,
		"roster_refunds": true, "roster_payment_events": true, "roster_busy_feed_fetch_errors_total": true,
		"roster_http_requests_total": true, "roster_http_request_duration_seconds_bucket": true,
	}
	name := regexp.MustCompile(`\broster_[a-z_]+`)
	if len(dash.Panels) == 0 {
		t.Fatal("no panels")
	}
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			for _, metric := range name.FindAllString(target.Expr, -1) {
				if !known[metric] {
					t.Errorf("panel %q queries %s, which Roster does not export", p.Title, metric)
				}
			}
		}
	}
}
