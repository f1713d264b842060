package faulttest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"
)

// cluster is a private PostgreSQL cluster the test created: its own data
// directory, its own port, run as the postgres user, never the shared
// server on 5432.
type cluster struct {
	t    *testing.T
	bin  string // the directory holding initdb, pg_ctl and postgres
	dir  string // owned by postgres: data/, the socket, the log
	port int
}

const pgInstall = "apt-get install postgresql (initdb and pg_ctl in /usr/lib/postgresql/*/bin, and a postgres user)"

// findPostgres returns the newest /usr/lib/postgresql/*/bin holding initdb
// and pg_ctl.
func findPostgres() (string, bool) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, dir := range dirs {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "pg_ctl")) {
			return dir, true
		}
	}
	return "", false
}

func pgVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

// newCluster initialises a cluster in a fresh directory (trust auth, no
// fsync: it lives for one test) and starts it on a free loopback port. It
// is stopped and removed when the test ends.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	bin, found := findPostgres()
	requireTool(t, found, "PostgreSQL server binaries", pgInstall)
	_, err := user.Lookup("postgres")
	requireTool(t, err == nil, "the postgres user", pgInstall)
	_, err = exec.LookPath("runuser")
	requireTool(t, err == nil, "runuser", "apt-get install util-linux")
	requireTool(t, os.Geteuid() == 0, "root (the private cluster runs as the postgres user)", "run the suite as root, as .ci/run does")
	// Not t.TempDir: its parent is private to root, and the postgres user
	// must reach the data directory.
	dir, err := os.MkdirTemp("", "roster-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, bin: bin, dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		c.pgctl("stop", "-m", "immediate")
		os.RemoveAll(dir)
	})
	if out, err := exec.Command("chown", "postgres:postgres", dir).CombinedOutput(); err != nil {
		t.Fatalf("chown %s: %v: %s", dir, err, out)
	}
	c.asPostgres(filepath.Join(bin, "initdb"), "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	c.start()
	return c
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// url is the DATABASE_URL of the cluster's postgres database.
func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// start starts the cluster and waits until it accepts connections.
func (c *cluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c max_connections=100", c.port, c.dir)
	if out, err := c.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(c.dir, "log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		c.t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// stop shuts the cluster down in fast mode: open sessions are ended, as
// when a database server is restarted or fails over.
func (c *cluster) stop() {
	c.t.Helper()
	if out, err := c.pgctl("stop", "-w", "-t", "60", "-m", "fast"); err != nil {
		c.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (c *cluster) pgctl(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	full := append([]string{"-u", "postgres", "--", filepath.Join(c.bin, "pg_ctl"), "-D", c.data()}, args...)
	return exec.CommandContext(ctx, "runuser", full...).CombinedOutput()
}

func (c *cluster) asPostgres(args ...string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--"}, args...)...).CombinedOutput(); err != nil {
		c.t.Fatalf("%s: %v\n%s", args[0], err, out)
	}
}

// freePort returns a loopback port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
