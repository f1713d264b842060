package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// runCommand runs a command line as main would, with no environment.
func runCommand(t *testing.T, args ...string) (report map[string]any, stdout string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	err = run(context.Background(), args, &out, &errOut, func(string) string { return "" })
	if out.Len() > 0 {
		if jerr := json.Unmarshal([]byte(out.String()), &report); jerr != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", jerr, out.String())
		}
	}
	return report, out.String(), err
}

func TestRunReport(t *testing.T) {
	srv := startServer(t)
	args := []string{"/tmp/go-build123/b001/exe/rosterload", "flash-sale", "--base", srv.url, "--token=" + srv.token, "--clients", "5", "--capacity", "2"}
	report, stdout, err := runCommand(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout, srv.token) {
		t.Error("the report repeats the coach token")
	}
	var command []string
	for _, a := range report["command"].([]any) {
		command = append(command, a.(string))
	}
	want := slices.Clone(args)
	want[0], want[4] = "rosterload", "--token=REDACTED"
	if !slices.Equal(command, want) {
		t.Errorf("command %q, want %q", command, want)
	}
	params := report["params"].(map[string]any)
	results := report["results"].(map[string]any)
	if report["scenario"] != "flash-sale" || params["clients"] != 5.0 || params["attempts"] != 5.0 {
		t.Errorf("scenario %v, params %v", report["scenario"], params)
	}
	if results["verified"] != true || results["booked"] != 2.0 || results["sold_out"] != 3.0 {
		t.Errorf("results %v", results)
	}
	if _, ok := results["latency"].(map[string]any)["p99_ms"]; !ok {
		t.Errorf("no p99 in %v", results["latency"])
	}
}

func TestRunNotVerified(t *testing.T) {
	// A server that confirms every booking and lists one more than it
	// confirmed: the oversold sale rosterload exists to catch.
	var booked atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("POST /api/v1/admin/events", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"slug": "sale", "sessions": [{"id": 7}]}`)
	})
	mux.HandleFunc("POST /api/v1/bookings", func(w http.ResponseWriter, r *http.Request) {
		booked.Add(1)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"status": "confirmed"}`)
	})
	mux.HandleFunc("GET /api/v1/admin/sessions/7/bookings", func(w http.ResponseWriter, r *http.Request) {
		list := make([]listedBooking, booked.Load()+1)
		for i := range list {
			list[i] = listedBooking{Ref: fmt.Sprint("R", i), Status: "confirmed", Seats: 1}
		}
		json.NewEncoder(w).Encode(list)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	report, _, err := runCommand(t, "rosterload", "flash-sale", "--base", srv.URL, "--token", "x", "--clients", "3", "--capacity", "10")
	if !errors.Is(err, errNotVerified) {
		t.Fatalf("err = %v, want errNotVerified", err)
	}
	results := report["results"].(map[string]any)
	if results["verified"] != false || len(results["verification"].(map[string]any)["problems"].([]any)) == 0 {
		t.Errorf("results %v", results)
	}
}

func TestRunRefuses(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no scenario", nil},
		{"unknown scenario", []string{"stampede"}},
		{"a target off the machine", []string{"browse", "--base", "http://example.com", "--duration", "1s"}},
		{"flash sale without a token", []string{"flash-sale", "--base", "http://127.0.0.1:1"}},
		{"no clients", []string{"browse", "--base", "http://127.0.0.1:1", "--clients", "0"}},
		{"too long", []string{"browse", "--base", "http://127.0.0.1:1", "--duration", "2h"}},
		{"too many attempts", []string{"flash-sale", "--base", "http://127.0.0.1:1", "--token", "x", "--attempts", "2000000"}},
		{"a stray argument", []string{"browse", "--base", "http://127.0.0.1:1", "now"}},
		{"an unknown flag", []string{"mail", "--database-url", "x.db", "--fast"}},
		{"mail without a database", []string{"mail", "-n", "10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stdout, err := runCommand(t, append([]string{"rosterload"}, tt.args...)...)
			if err == nil || stdout != "" {
				t.Errorf("err %v, stdout %q; want an error and no report", err, stdout)
			}
		})
	}
}

func TestRedactArgs(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"rosterload", "flash-sale", "--token", "rt_secret", "--clients", "4"},
			[]string{"rosterload", "flash-sale", "--token", "REDACTED", "--clients", "4"}},
		{[]string{"rosterload", "flash-sale", "-token=rt_secret"}, []string{"rosterload", "flash-sale", "-token=REDACTED"}},
		{[]string{"rosterload", "mail", "--database-url", "postgres://u:pw@127.0.0.1/db"},
			[]string{"rosterload", "mail", "--database-url", "postgres://u:xxxxx@127.0.0.1/db"}},
		{[]string{"rosterload", "mail", "--database-url=postgres://u@127.0.0.1/db?password=pw"},
			[]string{"rosterload", "mail", "--database-url=postgres://u@127.0.0.1/db?password=REDACTED"}},
		{[]string{"rosterload", "mail", "--database-url", "/tmp/load.db", "-n", "5"},
			[]string{"rosterload", "mail", "--database-url", "/tmp/load.db", "-n", "5"}},
		{[]string{"rosterload", "flash-sale", "--token"}, []string{"rosterload", "flash-sale", "--token"}},
	}
	for _, tt := range tests {
		if got := redactArgs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("redactArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
