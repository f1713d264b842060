package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb"
)

// rosterBin is the roster binary TestMain builds once for every test.
var rosterBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "roster-faulttest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faulttest:", err)
		os.Exit(1)
	}
	rosterBin, err = buildRoster(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faulttest:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildRoster builds ./cmd/roster from the module root into dir, with the
// race detector when the tests have it, so that a data race the faults
// provoke inside the server fails the test that provoked it.
func buildRoster(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside the roster module")
	}
	bin := filepath.Join(dir, "roster")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/roster")...)
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/roster: %w\n%s", err, out)
	}
	return bin, nil
}

// inCI reports whether a missing tool must fail the suite rather than skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// requireTool skips (or, under CI=true, fails) t when a tool is missing.
func requireTool(t *testing.T, found bool, what, install string) {
	t.Helper()
	if found {
		return
	}
	if inCI() {
		t.Fatalf("%s is not installed (CI=true requires it): %s", what, install)
	}
	t.Skipf("%s is not installed: %s", what, install)
}

// output keeps the lines a process writes, safe for concurrent use.
type output struct {
	mu      sync.Mutex
	lines   []string
	partial []byte
	changed chan struct{} // closed and replaced whenever a line arrives
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

// Write splits what a process writes into lines.
func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		o.lines = append(o.lines, string(o.partial[:i]))
		o.partial = o.partial[i+1:]
	}
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

// Lines returns every complete line so far.
func (o *output) Lines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.lines...)
}

func (o *output) String() string { return strings.Join(o.Lines(), "\n") }

// waitLine returns the first line from index from on that match accepts,
// and the index after it, or false when stop is closed or ctx ends first.
func (o *output) waitLine(ctx context.Context, from int, stop <-chan struct{}, match func(string) bool) (string, int, bool) {
	for {
		o.mu.Lock()
		lines, changed := o.lines, o.changed
		o.mu.Unlock()
		for ; from < len(lines); from++ {
			if match(lines[from]) {
				return lines[from], from + 1, true
			}
		}
		select {
		case <-changed:
		case <-stop:
			return "", from, false
		case <-ctx.Done():
			return "", from, false
		}
	}
}

// process is a child process the test started; it is killed when the test
// ends if it is still running.
type process struct {
	name    string
	cmd     *exec.Cmd
	out     *output
	exited  chan struct{}
	waitErr error
}

// startProcess starts cmd in a process group of its own, its stdout and
// stderr going to out.
func startProcess(t *testing.T, name string, cmd *exec.Cmd, out *output) *process {
	t.Helper()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.kill)
	return p
}

func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL to the process (by its own id and group) and waits
// for it.
func (p *process) kill() {
	if p.running() {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	<-p.exited
}

// exitCode waits up to within for the process to exit and returns its exit
// code, or false if it is still running.
func (p *process) exitCode(within time.Duration) (int, bool) {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(within):
		return 0, false
	}
}

// server is a roster serve process, restartable on the same settings and
// database; its logs from every run are kept in one output.
type server struct {
	t    *testing.T
	env  []string
	args []string
	logs *output
	proc *process
	URL  string
	runs int
}

// rosterEnv is the environment roster commands run with: nothing from the
// test's own environment but PATH and HOME (a developer's DATABASE_URL or
// SMTP_URL must not leak in), plus the settings given.
func rosterEnv(settings map[string]string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if v := os.Getenv("TMPDIR"); v != "" {
		env = append(env, "TMPDIR="+v)
	}
	for k, v := range settings {
		env = append(env, k+"="+v)
	}
	return env
}

// baseURL is the public URL the servers under test are configured with;
// it only shapes links and Message-IDs.
const baseURL = "http://roster.test"

// startServer starts roster serve on a free loopback port with no booking
// rate limit, and waits for its "listening" log line.
func startServer(t *testing.T, settings map[string]string) *server {
	t.Helper()
	// A public-looking base URL needs offline payments enabled on purpose.
	all := map[string]string{"ROSTER_BASE_URL": baseURL, "ROSTER_OFFLINE_PAYMENTS": "true"}
	for k, v := range settings {
		all[k] = v
	}
	s := &server{t: t, env: rosterEnv(all), args: []string{"serve", "--addr", "127.0.0.1:0", "--bookings-per-minute", "0", "--holds-per-address", "0"}, logs: newOutput()}
	// Registered first, so it runs last: after every run has been stopped.
	t.Cleanup(func() {
		if raceEnabled && strings.Contains(s.logs.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector found a data race in roster serve:\n%s", s.logs)
		}
	})
	s.start()
	return s
}

// start runs the server (again) and waits until it listens.
func (s *server) start() {
	s.t.Helper()
	s.runs++
	from := len(s.logs.Lines())
	cmd := exec.Command(rosterBin, s.args...)
	cmd.Env = s.env
	s.proc = startProcess(s.t, fmt.Sprintf("roster serve (run %d)", s.runs), cmd, s.logs)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	line, _, ok := s.logs.waitLine(ctx, from, s.proc.exited, func(line string) bool {
		return logMessage(line) == "listening"
	})
	if !ok {
		// SIGQUIT makes a Go program print every goroutine's stack: where
		// it is stuck.
		s.proc.cmd.Process.Signal(syscall.SIGQUIT)
		s.proc.exitCode(5 * time.Second)
		s.proc.kill()
		s.t.Fatalf("roster serve did not start listening:\n%s", s.logs)
	}
	var entry struct{ Addr string }
	if err := json.Unmarshal([]byte(line), &entry); err != nil || entry.Addr == "" {
		s.t.Fatalf("listening line without an addr: %s", line)
	}
	s.URL = "http://" + entry.Addr
}

// kill ends the server with SIGKILL: no draining, no deferred cleanup.
func (s *server) kill() {
	s.t.Helper()
	s.proc.kill()
	s.t.Logf("roster serve (run %d) killed with SIGKILL", s.runs)
}

// stop sends SIGTERM and requires a clean exit within the drain time.
func (s *server) stop() {
	s.t.Helper()
	if err := s.proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatalf("SIGTERM: %v", err)
	}
	code, ok := s.proc.exitCode(40 * time.Second)
	if !ok {
		s.t.Fatalf("roster serve still running 40s after SIGTERM")
	}
	if code != 0 {
		s.t.Fatalf("roster serve exited %d after SIGTERM, want 0:\n%s", code, s.logs)
	}
}

// logMessage returns the msg of a JSON log line, or "".
func logMessage(line string) string {
	var entry struct{ Msg string }
	if json.Unmarshal([]byte(line), &entry) != nil {
		return ""
	}
	return entry.Msg
}

// runRoster runs a roster command to completion and returns its stdout,
// stderr and exit code.
func runRoster(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, rosterBin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("roster %s: %v", strings.Join(args, " "), err)
	}
	return stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()
}

// check runs roster check and requires exit 0: every invariant holds.
func check(t *testing.T, env []string, when string) {
	t.Helper()
	stdout, stderr, code := runRoster(t, env, "", "check")
	if code != 0 {
		t.Fatalf("roster check %s: exit %d\n%s%s", when, code, stdout, stderr)
	}
	t.Logf("roster check %s: %s", when, strings.TrimSpace(stdout))
}

// coachPassword is the dashboard password the test coach gets, so the
// secrets test can look for it in logs.
const coachPassword = "correct horse battery staple"

// addCoach creates the coach james@example.com (with coachPassword) and
// returns a new API token for them, read from roster token create.
func addCoach(t *testing.T, env []string) string {
	t.Helper()
	if out, errOut, code := runRoster(t, env, coachPassword+"\n", "coach", "add", "--email", "james@example.com", "--name", "James Downer", "--password-stdin"); code != 0 {
		t.Fatalf("roster coach add: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runRoster(t, env, "", "token", "create", "--coach", "james@example.com")
	if code != 0 {
		t.Fatalf("roster token create: exit %d\n%s", code, errOut)
	}
	token := strings.TrimSpace(out)
	if token == "" || strings.ContainsAny(token, " \n") {
		t.Fatalf("roster token create printed %q, want the token alone", out)
	}
	return token
}

// client never follows redirects and gives up on a request after 40s, past
// the server's 30s request timeout, so a hang shows as an error.
var client = &http.Client{
	Timeout:       40 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
}

// reply is what a request got.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
	Took   time.Duration
	Err    error
}

// send makes one request; body may be nil. A token goes in the
// Authorization header.
func send(method, url, token string, body []byte, header map[string]string) reply {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return reply{Err: err}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return reply{Err: err, Took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b, Took: time.Since(start), Err: err}
}

func (r reply) String() string {
	if r.Err != nil {
		return "error: " + r.Err.Error()
	}
	return fmt.Sprintf("%d %.300s", r.Status, r.Body)
}

// errorCode returns error.code of the error shape in docs/design.md, or "".
func (r reply) errorCode() string {
	var body struct {
		Error struct{ Code string }
	}
	json.Unmarshal(r.Body, &body)
	return body.Error.Code
}

// eventually polls cond every 100ms until it holds, failing t with cond's
// last explanation when within has passed.
func eventually(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, still waiting for %s: %s", within, what, detail)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// event is the part of the API's event that the tests read.
type event struct {
	Slug     string `json:"slug"`
	Sessions []struct {
		ID        json.RawMessage `json:"id"` // opaque: sent back as it came
		Capacity  int             `json:"capacity"`
		SeatsLeft int             `json:"seats_left"`
	} `json:"sessions"`
}

// createEvent creates a published event with one date, three months ahead,
// of capacity seats at priceCents each (0 is free).
func createEvent(t *testing.T, s *server, token, slug string, priceCents int64, capacity int) event {
	t.Helper()
	return createTitledEvent(t, s, token, slug, "Fault Test "+slug, priceCents, capacity)
}

func createTitledEvent(t *testing.T, s *server, token, slug, title string, priceCents int64, capacity int) event {
	t.Helper()
	starts := time.Now().UTC().AddDate(0, 3, 0).Truncate(time.Hour)
	body := fmt.Sprintf(`{"slug": %q, "title": %q, "timezone": "Europe/London", "location": "Online",
		"price_cents": %d, "currency": "GBP", "hosts": ["james@example.com"], "status": "published",
		"sessions": [{"starts_at": %q, "ends_at": %q, "capacity": %d}]}`,
		slug, title, priceCents, starts.Format(time.RFC3339), starts.Add(2*time.Hour).Format(time.RFC3339), capacity)
	r := send("POST", s.URL+"/api/v1/admin/events", token, []byte(body), nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("create event %s: %s", slug, r)
	}
	var e event
	if err := json.Unmarshal(r.Body, &e); err != nil || len(e.Sessions) != 1 {
		t.Fatalf("create event %s: %v: %s", slug, err, r.Body)
	}
	return e
}

// seatsLeft reads the seats left on the event's first date from the
// public API.
func seatsLeft(s *server, slug string) (int, error) {
	r := send("GET", s.URL+"/api/v1/events/"+slug, "", nil, nil)
	if r.Err != nil || r.Status != http.StatusOK {
		return 0, fmt.Errorf("GET event %s: %s", slug, r)
	}
	var e event
	if err := json.Unmarshal(r.Body, &e); err != nil || len(e.Sessions) == 0 {
		return 0, fmt.Errorf("GET event %s: %v: %s", slug, err, r.Body)
	}
	return e.Sessions[0].SeatsLeft, nil
}

// booked is the part of a created booking the tests read.
type booked struct {
	Ref         string `json:"ref"`
	Status      string `json:"status"`
	Seats       int    `json:"seats"`
	ManageURL   string `json:"manage_url"`
	CheckoutURL string `json:"checkout_url"`
}

// book asks for seats on the event's date through the JSON API.
func book(s *server, e event, name, email string, seats int) (reply, booked) {
	body := fmt.Sprintf(`{"session_id": %s, "name": %q, "email": %q, "seats": %d}`, e.Sessions[0].ID, name, email, seats)
	r := send("POST", s.URL+"/api/v1/bookings", "", []byte(body), nil)
	var b booked
	if r.Err == nil && r.Status < 300 {
		json.Unmarshal(r.Body, &b)
	}
	return r, b
}

// openDB opens the database under test from the test process, to read
// what the API does not show and to move stored deadlines.
func openDB(t *testing.T, url string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// jsonInto decodes a reply's JSON body into v.
func jsonInto(r reply, v any) error {
	if r.Err != nil {
		return r.Err
	}
	return json.Unmarshal(r.Body, v)
}
