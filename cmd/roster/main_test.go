package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// newMain returns a Main reading the given environment, writing to buffers.
func newMain(env map[string]string) (*Main, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return &Main{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return testNow },
	}, &stdout, &stderr
}

// startServer runs "roster serve" in-process until the test ends.
func startServer(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	m, _, stderr := newMain(env)
	ready := make(chan string, 1)
	m.Ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, stderr)
	case <-time.After(2 * time.Minute): // a deadline, not a measurement: a loaded CI machine migrates slowly
		t.Fatalf("serve did not become ready:\n%s", stderr)
	}
	return ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeDemo(t *testing.T) {
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t)}
	base := startServer(t, env, "--demo")
	status, body := get(t, base+"/api/v1/events/career-clarity-lab")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var lab struct {
		Title, Timezone, Currency string
		PriceCents                int64                   `json:"price_cents"`
		HostDetails               []struct{ Name string } `json:"host_details"`
		Sessions                  []struct {
			StartsAt string `json:"starts_at"`
			EndsAt   string `json:"ends_at"`
			Capacity int
		}
	}
	if err := json.Unmarshal([]byte(body), &lab); err != nil {
		t.Fatal(err)
	}
	if lab.Title != "Career Clarity Lab" || lab.Timezone != "Europe/London" || lab.Currency != "GBP" || lab.PriceCents <= 0 {
		t.Errorf("lab %+v", lab)
	}
	if len(lab.HostDetails) != 2 || lab.HostDetails[0].Name != "James Downer" || lab.HostDetails[1].Name != "Parveen Downer" {
		t.Errorf("hosts %+v", lab.HostDetails)
	}
	// Last week's date, one three days ahead, and the next Sept 22 and 29
	// (testNow is 26 November 2026; London is on GMT).
	want := []string{"2026-11-19T18:00:00Z", "2026-11-29T18:00:00Z", "2027-09-22T18:00:00+01:00", "2027-09-29T18:00:00+01:00"}
	if len(lab.Sessions) != len(want) {
		t.Fatalf("sessions %+v", lab.Sessions)
	}
	for i, s := range lab.Sessions {
		if s.StartsAt != want[i] || s.Capacity != 12 || !strings.HasPrefix(s.EndsAt, want[i][:11]+"20:00:00") {
			t.Errorf("session %d: %+v, want %s to 20:00 with 12 seats", i, s, want[i])
		}
	}
	if status, body := get(t, base+"/events/career-clarity-lab"); status != 200 || !strings.Contains(body, "Wednesday 22 September 2027") {
		t.Errorf("event page %d", status)
	}
}

func TestDemoLoadsOnce(t *testing.T) {
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t)}
	for range 2 {
		m, _, stderr := newMain(env)
		if err := m.Run(context.Background(), []string{"demo"}); err != nil {
			t.Fatalf("demo: %v\n%s", err, stderr)
		}
	}
	base := startServer(t, env, "--demo")
	_, body := get(t, base+"/api/v1/events")
	if got := strings.Count(body, `"slug":"career-clarity-lab`); got != 1 {
		t.Errorf("%d demo events after three loads, want 1: %s", got, body)
	}
}

func TestNextSeptember(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	tests := []struct {
		now  time.Time
		day  int
		want time.Time
	}{
		{time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), 22, time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC)},
		{time.Date(2027, 9, 25, 0, 0, 0, 0, time.UTC), 22, time.Date(2028, 9, 22, 17, 0, 0, 0, time.UTC)},
		{time.Date(2027, 9, 25, 0, 0, 0, 0, time.UTC), 29, time.Date(2027, 9, 29, 17, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := nextSeptember(tt.now, tt.day, london); !got.Equal(tt.want) {
			t.Errorf("nextSeptember(%v, %d) = %v, want %v", tt.now, tt.day, got, tt.want)
		}
	}
}

func TestCoachAndToken(t *testing.T) {
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t)}
	run := func(stdin string, args ...string) (string, error) {
		m, stdout, _ := newMain(env)
		m.Stdin = strings.NewReader(stdin)
		err := m.Run(context.Background(), args)
		return stdout.String(), err
	}
	if _, err := run("a long enough password\n", "coach", "add", "--email", "ada@example.com", "--name", "Ada Lovelace", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("", "coach", "add", "--email", "ada@example.com", "--name", "Ada again"); err == nil {
		t.Error("adding the same coach twice succeeded")
	}
	out, err := run("", "token", "create", "--coach", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSuffix(out, "\n")
	if strings.ContainsAny(token, " \n") || !strings.HasPrefix(token, "rst_api_") {
		t.Fatalf("token create printed %q, want the token alone", out)
	}
	base := startServer(t, env)
	req, _ := http.NewRequest("GET", base+"/api/v1/admin/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("admin API with the new token: %d", resp.StatusCode)
	}
	if _, err := run("", "token", "create", "--coach", "nobody@example.com"); err == nil {
		t.Error("token for an unknown coach succeeded")
	}
}

func TestMigrateStatus(t *testing.T) {
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t)}
	m, _, _ := newMain(env)
	if err := m.Run(context.Background(), []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	m, stdout, _ := newMain(env)
	if err := m.Run(context.Background(), []string{"migrate", "status"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "00001_events.sql") || !strings.Contains(stdout.String(), "applied") {
		t.Errorf("status:\n%s", stdout)
	}
}

// buildRoster compiles the binary once per test run.
var buildRoster = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "roster-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "roster")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{out: string(out), err: err}
	}
	return bin, nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func TestSIGTERMDrainsAndExitsZero(t *testing.T) {
	bin, err := buildRoster()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--demo")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+sqldbtest.URL(t))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	addr := ""
	for addr == "" && lines.Scan() {
		var entry struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &entry) == nil && entry.Msg == "listening" {
			addr = entry.Addr
		}
	}
	if addr == "" {
		cmd.Process.Kill()
		t.Fatal("server never logged its address")
	}
	go io.Copy(io.Discard, stderr)
	if status, _ := get(t, "http://"+addr+"/readyz"); status != 200 {
		t.Fatalf("readyz %d", status)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v, want status 0", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("server did not exit within 30s of SIGTERM")
	}
}

func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	sqldbtest.RequirePostgres(t)
	bin, err := buildRoster()
	if err != nil {
		t.Fatal(err)
	}
	url := sqldbtest.URL(t)
	const processes = 3
	errs := make(chan error, processes)
	outputs := make([][]byte, processes)
	for i := range processes {
		go func() {
			cmd := exec.Command(bin, "migrate")
			cmd.Env = append(os.Environ(), "DATABASE_URL="+url)
			var err error
			outputs[i], err = cmd.CombinedOutput()
			errs <- err
		}()
	}
	for range processes {
		if err := <-errs; err != nil {
			t.Errorf("a concurrent migrate failed: %v", err)
		}
	}
	if t.Failed() {
		for _, out := range outputs {
			t.Log(string(out))
		}
		return
	}
	m, stdout, _ := newMain(map[string]string{"DATABASE_URL": url})
	if err := m.Run(context.Background(), []string{"migrate", "status"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "pending") {
		t.Errorf("migrations pending after concurrent runs:\n%s", stdout)
	}
}

// TestDemoPaidBookingEndToEnd books the demo's paid workshop through the
// offline TEST MODE checkout and finds the confirmation in the dev mailbox,
// delivered by the running outbox worker.
func TestDemoPaidBookingEndToEnd(t *testing.T) {
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t), "ROSTER_BASE_URL": "http://localhost:8080"}
	base := startServer(t, env, "--demo")
	resp, err := http.Post(base+"/api/v1/bookings", "application/json",
		strings.NewReader(`{"session_id": 1, "name": "Mary Somerville", "email": "mary@example.com", "seats": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Ref, Status string
		CheckoutURL string `json:"checkout_url"`
	}
	json.NewDecoder(resp.Body).Decode(&b)
	resp.Body.Close()
	if resp.StatusCode != 201 || b.Status != "pending_payment" || b.CheckoutURL == "" {
		t.Fatalf("book: %d %+v", resp.StatusCode, b)
	}
	u, err := url.Parse(b.CheckoutURL)
	if err != nil {
		t.Fatal(err)
	}
	pay, err := http.PostForm(base+u.Path+"/pay?ref="+b.Ref, url.Values{"t": {u.Query().Get("t")}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(pay.Body)
	pay.Body.Close()
	if pay.StatusCode != 200 || !strings.Contains(string(page), "Confirmed") {
		t.Fatalf("after paying: %d", pay.StatusCode)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, mailbox := get(t, base+"/dev/mailbox")
		if strings.Contains(mailbox, "mary@example.com") && strings.Contains(mailbox, "Booked: Career Clarity Lab") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no confirmation for %s in the dev mailbox:\n%s", b.Ref, mailbox)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestServeFailsFastWhenTheAddressIsTaken(t *testing.T) {
	env := map[string]string{"DATABASE_URL": sqldbtest.URL(t)}
	base := startServer(t, env)
	m, _, _ := newMain(env)
	done := make(chan error, 1)
	go func() {
		done <- m.Run(context.Background(), []string{"serve", "--addr", strings.TrimPrefix(base, "http://")})
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "listen") {
			t.Errorf("serve on a taken address: %v, want a listen error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve on a taken address did not return: its workers kept it alive")
	}
}

func TestDevMailboxOnlyOnThisMachine(t *testing.T) {
	tests := []struct {
		base string
		want bool
	}{
		{"http://localhost:8080", true},
		{"http://127.0.0.1:8080", true},
		{"http://[::1]:8080", true},
		{"http://roster.localhost", true},
		{"https://roster.example.com", false},
		{"http://roster.example.com", false},
		{"http://10.0.0.5", false},
		{"::not a url", false},
	}
	for _, tt := range tests {
		if got := isLocalURL(tt.base); got != tt.want {
			t.Errorf("isLocalURL(%q) = %v, want %v", tt.base, got, tt.want)
		}
	}
}
