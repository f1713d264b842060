package payments

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/build"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests talk to a real stripe-mock (github.com/stripe/stripe-mock), which
// validates every request against Stripe's OpenAPI spec and answers with
// fixtures. The first test that needs it starts one on ports the system
// picks; TestMain stops it.

func TestMain(m *testing.M) {
	code := m.Run()
	stripeMock.stop()
	os.Exit(code)
}

var stripeMock stripeMockServer

type stripeMockServer struct {
	once    sync.Once
	url     string
	missing bool  // no stripe-mock binary
	err     error // it would not start
	cmd     *exec.Cmd
}

// stripeMockURL returns the base URL of the shared stripe-mock, starting it
// on first use. Without a stripe-mock binary the test is skipped, except
// under CI=true, where it fails.
func stripeMockURL(tb testing.TB) string {
	tb.Helper()
	stripeMock.once.Do(stripeMock.start)
	if stripeMock.missing {
		if os.Getenv("CI") == "true" {
			tb.Fatal("stripe-mock is not installed: go install github.com/stripe/stripe-mock@latest")
		}
		tb.Skip("stripe-mock is not installed (go install github.com/stripe/stripe-mock@latest)")
	}
	if stripeMock.err != nil {
		tb.Fatalf("start stripe-mock: %v", stripeMock.err)
	}
	return stripeMock.url
}

func findStripeMock() (string, bool) {
	if path, err := exec.LookPath("stripe-mock"); err == nil {
		return path, true
	}
	path := filepath.Join(build.Default.GOPATH, "bin", "stripe-mock")
	if _, err := os.Stat(path); err == nil {
		return path, true
	}
	return "", false
}

func (s *stripeMockServer) start() {
	path, ok := findStripeMock()
	if !ok {
		s.missing = true
		return
	}
	// Port 0 for both listeners: the system picks free ports and stripe-mock
	// prints the addresses, so there is no race for a port we chose.
	s.cmd = exec.Command(path, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		s.err = err
		return
	}
	s.cmd.Stderr = s.cmd.Stdout
	if err := s.cmd.Start(); err != nil {
		s.err = err
		return
	}
	addr := make(chan string, 1)
	go func() {
		const banner = "Listening for HTTP at address: "
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), banner); ok {
				addr <- rest
				break
			}
		}
		close(addr)
		io.Copy(io.Discard, out) // keep the pipe drained while it runs
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			s.err = errors.New("stripe-mock exited without listening")
			return
		}
		s.url = "http://" + a
	case <-time.After(30 * time.Second):
		s.err = errors.New("stripe-mock did not start listening within 30s")
		return
	}
	s.err = waitAnswers(s.url, 10*time.Second)
}

// waitAnswers polls stripe-mock until it answers an API request.
func waitAnswers(base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/charges", nil)
		req.Header.Set("Authorization", "Bearer "+testSecretKey)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stripe-mock at %s does not answer: %w", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *stripeMockServer) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

const (
	testSecretKey     = "sk_test_roster"
	testWebhookSecret = "whsec_roster_test"
)

// recorder is an http.RoundTripper that keeps a copy of every request it
// passes on, so a test can see exactly what was sent to Stripe.
type recorder struct {
	mu   sync.Mutex
	sent []sentRequest
}

type sentRequest struct {
	Method, Path string
	Header       http.Header
	Form         url.Values
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.sent = append(r.sent, sentRequest{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Form: form})
	r.mu.Unlock()
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(out)
}

func (r *recorder) requests() []sentRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sentRequest(nil), r.sent...)
}

// newMockedStripe returns a Stripe provider talking to stripe-mock through
// a recorder.
func newMockedStripe(t *testing.T, now time.Time) (*Stripe, *recorder) {
	t.Helper()
	rec := &recorder{}
	s, err := NewStripe(StripeConfig{
		SecretKey:     testSecretKey,
		WebhookSecret: testWebhookSecret,
		APIBase:       stripeMockURL(t),
		HTTPClient:    &http.Client{Transport: rec, Timeout: 10 * time.Second},
		Now:           func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, rec
}
