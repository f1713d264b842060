package browsertest_test

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// demo is "roster serve --demo" running as a newcomer starts it: the real
// binary, a fresh SQLite file, offline payments and the dev mailbox; and
// what it told them once ready.
type demo struct {
	url      string
	password string // the demo coach James's, as serve printed it
}

var demoPassword = regexp.MustCompile(`as james@example\.com with the password (\S+)`)

// startDemoAsNewcomer builds cmd/roster and runs "roster serve --demo"
// until the test ends, returning once it has printed that it is ready:
// the page to open and the demo coach's password, which it checks.
func startDemoAsNewcomer(t *testing.T) demo {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "roster")
	build := exec.Command("go", "build", "-o", bin, "github.com/roster-app/roster/cmd/roster")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build roster: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	cmd := exec.Command(bin, "serve", "--demo")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "ROSTER_ADDR=" + addr, "ROSTER_BASE_URL=" + base,
		"DATABASE_URL=" + filepath.Join(dir, "roster.db")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Its log is shown only if the test fails.
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("roster serve --demo logged:\n%s", logs.String())
		}
	})
	ready := make(chan demo, 1)
	go func() {
		var d demo
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			line := lines.Text()
			if m := demoPassword.FindStringSubmatch(line); m != nil {
				d.password = m[1]
			}
			if strings.HasPrefix(line, "Roster is ready. Open ") {
				d.url = strings.TrimSuffix(strings.TrimPrefix(line, "Roster is ready. Open "), "/")
			}
			if strings.TrimSpace(line) == "" && d.url != "" {
				ready <- d
				d = demo{}
			}
		}
	}()
	select {
	case d := <-ready:
		if d.url != base || d.password == "" {
			t.Fatalf("serve --demo printed URL %q and password %q; want %s and a password", d.url, d.password, base)
		}
		return d
	case <-time.After(2 * time.Minute):
		t.Fatal("roster serve --demo did not say it was ready")
	}
	return demo{}
}

// lockedBuffer collects a process's output for the test to read.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
