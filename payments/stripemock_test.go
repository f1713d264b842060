package payments

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/payments/stripemocktest"
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

// stripeMockServer is the stripe-mock the package's tests share, started by
// the first test that needs it.
type stripeMockServer struct {
	once  sync.Once
	url   string
	err   error
	close func()
}

// stripeMockURL returns the base URL of the shared stripe-mock, starting it
// on first use. Without a stripe-mock binary the test is skipped, except
// under CI=true, where it fails.
func stripeMockURL(tb testing.TB) string {
	tb.Helper()
	stripeMock.once.Do(func() { stripeMock.url, stripeMock.close, stripeMock.err = stripemocktest.Launch() })
	if errors.Is(stripeMock.err, stripemocktest.ErrMissing) {
		if os.Getenv("CI") == "true" {
			tb.Fatal(stripeMock.err)
		}
		tb.Skip(stripeMock.err)
	}
	if stripeMock.err != nil {
		tb.Fatalf("start stripe-mock: %v", stripeMock.err)
	}
	return stripeMock.url
}

func (s *stripeMockServer) stop() {
	if s.close != nil {
		s.close()
	}
}

const (
	testSecretKey     = stripemocktest.SecretKey
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
