// Package stripemocktest starts a real stripe-mock
// (github.com/stripe/stripe-mock) for tests: it validates every request
// against Stripe's OpenAPI spec and answers with fixtures.
package stripemocktest

import (
	"bufio"
	"errors"
	"fmt"
	"go/build"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SecretKey is a test key stripe-mock accepts.
const SecretKey = "sk_test_roster"

// ErrMissing is returned by Launch when no stripe-mock binary is installed.
var ErrMissing = errors.New("stripe-mock is not installed: go install github.com/stripe/stripe-mock@latest")

// Start launches stripe-mock for tb and stops it when tb ends, returning its
// base URL. Without the binary tb is skipped, except under CI=true, where
// it fails.
func Start(tb testing.TB) string {
	tb.Helper()
	url, stop, err := Launch()
	if errors.Is(err, ErrMissing) {
		if os.Getenv("CI") == "true" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatalf("start stripe-mock: %v", err)
	}
	tb.Cleanup(stop)
	return url
}

// Find returns the path of the stripe-mock binary: on PATH, or in
// $GOPATH/bin where go install puts it.
func Find() (string, bool) {
	if path, err := exec.LookPath("stripe-mock"); err == nil {
		return path, true
	}
	path := filepath.Join(build.Default.GOPATH, "bin", "stripe-mock")
	if _, err := os.Stat(path); err == nil {
		return path, true
	}
	return "", false
}

// Launch starts stripe-mock on ports the system picks and waits until it
// answers. The caller must call stop.
func Launch() (url string, stop func(), err error) {
	path, ok := Find()
	if !ok {
		return "", nil, ErrMissing
	}
	// Port 0 for both listeners: the system picks free ports and stripe-mock
	// prints the addresses, so there is no race for a port we chose.
	cmd := exec.Command(path, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		// Killed on purpose: neither the kill nor the exit status says anything.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
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
		_, _ = io.Copy(io.Discard, out) // keep the pipe drained while it runs
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			stop()
			return "", nil, errors.New("stripe-mock exited without listening")
		}
		url = "http://" + a
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, errors.New("stripe-mock did not start listening within 30s")
	}
	if err := waitAnswers(url, 10*time.Second); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// waitAnswers polls stripe-mock until it answers an API request.
func waitAnswers(base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/charges", nil)
		req.Header.Set("Authorization", "Bearer "+SecretKey)
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
