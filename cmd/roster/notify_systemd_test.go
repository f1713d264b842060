package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// listenNotifySocket stands in for systemd: a unixgram socket named by
// NOTIFY_SOCKET for the rest of the test.
func listenNotifySocket(t *testing.T) *net.UnixConn {
	t.Helper()
	// A socket path must fit in 108 bytes; t.TempDir's may not.
	dir, err := os.MkdirTemp("", "sd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	return conn
}

// nextNotification reads one datagram, failing the test after a deadline.
func nextNotification(t *testing.T, conn *net.UnixConn) string {
	t.Helper()
	buf := make([]byte, 512)
	if err := conn.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("no notification from roster: %v", err)
	}
	return string(buf[:n])
}

func TestServeNotifiesSystemd(t *testing.T) {
	for _, command := range []string{"serve", "worker"} {
		t.Run(command+" says READY=1 once running and STOPPING=1 on shutdown", func(t *testing.T) {
			conn := listenNotifySocket(t)
			m, _, stderr := newMain(map[string]string{"DATABASE_URL": sqldbtest.URL(t)})
			listening := make(chan string, 1)
			m.Ready = func(addr string) { listening <- addr }
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- m.Run(ctx, []string{command, "--addr", "127.0.0.1:0"}) }()

			if got := nextNotification(t, conn); got != "READY=1" {
				t.Fatalf("first notification %q, want READY=1\n%s", got, stderr)
			}
			if command == "serve" {
				select {
				case <-listening:
				default:
					t.Error("READY=1 arrived before the server was listening")
				}
			}
			cancel()
			if got := nextNotification(t, conn); got != "STOPPING=1" {
				t.Errorf("second notification %q, want STOPPING=1", got)
			}
			if err := <-done; err != nil {
				t.Errorf("%s returned %v", command, err)
			}
		})
	}
}
