package faulttest

import (
	"context"
	"fmt"
	"go/build"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
)

// Test credentials: stripe-mock takes any sk_test_ key, and the webhook
// secret is shared with the test, which signs the events it delivers.
const (
	stripeSecretKey     = "sk_test_4eC39HqLyjWDarjtT1zdp7dcFaultTest"
	stripeWebhookSecret = "whsec_faulttest_0123456789abcdef"
)

const stripeMockInstall = "go install github.com/stripe/stripe-mock@latest"

// stripeMock is a stripe-mock process, restartable on the same address.
type stripeMock struct {
	t    *testing.T
	bin  string
	addr string // host:port of its HTTP listener, fixed after the first start
	proc *process
}

func findStripeMock() (string, bool) {
	if path, err := exec.LookPath("stripe-mock"); err == nil {
		return path, true
	}
	path := filepath.Join(build.Default.GOPATH, "bin", "stripe-mock")
	return path, isFile(path)
}

// startStripeMock starts stripe-mock on a port the system picks (it prints
// "Listening for HTTP at address: …") and waits until it answers.
func startStripeMock(t *testing.T) *stripeMock {
	t.Helper()
	bin, found := findStripeMock()
	requireTool(t, found, "stripe-mock", stripeMockInstall)
	m := &stripeMock{t: t, bin: bin, addr: "127.0.0.1:0"}
	m.start()
	return m
}

// url is the STRIPE_API_BASE that reaches it.
func (m *stripeMock) url() string { return "http://" + m.addr }

func (m *stripeMock) start() {
	m.t.Helper()
	out := newOutput()
	m.proc = startProcess(m.t, "stripe-mock", exec.Command(m.bin, "-http-addr", m.addr, "-https-addr", "127.0.0.1:0"), out)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const banner = "Listening for HTTP at address: "
	line, _, ok := out.waitLine(ctx, 0, m.proc.exited, func(line string) bool { return strings.Contains(line, banner) })
	if !ok {
		m.proc.kill()
		m.t.Fatalf("stripe-mock did not start listening on %s:\n%s", m.addr, out)
	}
	m.addr = strings.TrimSpace(line[strings.Index(line, banner)+len(banner):])
	eventually(m.t, 10*time.Second, "stripe-mock to answer", func() (bool, string) {
		r := send("GET", m.url()+"/v1/charges", stripeSecretKey, nil, nil)
		return r.Status == 200, r.String()
	})
}

// stop kills stripe-mock: the payment provider is gone, connections to it
// are refused.
func (m *stripeMock) stop() {
	m.t.Helper()
	m.proc.kill()
	eventually(m.t, 10*time.Second, "stripe-mock's port to close", func() (bool, string) {
		conn, err := net.DialTimeout("tcp", m.addr, time.Second)
		if err != nil {
			return true, ""
		}
		conn.Close()
		return false, "still accepting connections"
	})
}

// signedWebhook is a checkout.session.completed event for a paid booking,
// signed as Stripe signs its webhooks, and its Stripe-Signature header.
func signedWebhook(eventID, ref string, amountCents int64) ([]byte, string) {
	payload := fmt.Sprintf(`{
  "id": %q, "object": "event", "api_version": "2023-10-16", "created": %d, "livemode": false,
  "pending_webhooks": 1, "type": "checkout.session.completed",
  "data": {"object": {
    "id": "cs_test_%s", "object": "checkout.session", "amount_total": %d, "currency": "gbp",
    "client_reference_id": %q, "metadata": {"booking_ref": %q}, "mode": "payment",
    "payment_intent": "pi_%s", "payment_status": "paid", "status": "complete"}}
}`, eventID, time.Now().Unix(), eventID, amountCents, ref, ref, eventID)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
		Payload: []byte(payload), Secret: stripeWebhookSecret, Timestamp: time.Now(),
	})
	return signed.Payload, signed.Header
}

// deliverWebhook posts a signed event to the server as Stripe would.
func deliverWebhook(s *server, payload []byte, signature string) reply {
	return send("POST", s.URL+"/webhooks/stripe", "", payload, map[string]string{"Stripe-Signature": signature})
}
