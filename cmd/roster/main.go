// Command roster is the one Roster binary: the server, its workers and the
// operator's commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // time zones even on machines without /usr/share/zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	identifyToStripe()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, errCheckFailed) {
			fmt.Fprintln(os.Stderr, "roster:", err)
		}
		os.Exit(1)
	}
}

// Main is the program with its surroundings made explicit, so tests run
// it without a shell.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time

	// Ready, if set, receives the listen address once serve accepts
	// connections.
	Ready func(addr string)
	// MetricsReady, if set, receives the metrics listener's address when
	// --metrics-addr is set.
	MetricsReady func(addr string)
}

const usage = `usage: roster <command> [flags]

commands:
  serve [--demo] [--no-workers]   run migrations, the web server and the workers
  worker                          run the background workers only
  migrate [status]                apply migrations, or show their state
  coach add --email E --name N [--password-stdin]
  coach password --email E        set a password (prompted without echo on a terminal, else read from standard input)
  token create --coach E [--feed] print a new API (or calendar feed) token
  demo                            load the Career Clarity Lab demo into an empty database
  check                           verify the invariants; exit 1 on a violation
  version                         print the version, VCS revision and Go version
  backup FILE                     copy the running SQLite database to a new file
  restore FILE                    check a backup and put it in place (server stopped)

every command takes the configuration flags; run "roster serve -h" to list them`

// Run runs the command named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, usage)
		return fmt.Errorf("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.serve(ctx, rest, true)
	case "worker":
		return m.serve(ctx, rest, false)
	case "migrate":
		return m.migrate(ctx, rest)
	case "coach":
		return m.coach(ctx, rest)
	case "token":
		return m.token(ctx, rest)
	case "demo":
		return m.demo(ctx, rest)
	case "check":
		return m.check(ctx, rest)
	case "version":
		return m.version(ctx, rest)
	case "backup":
		return m.backup(ctx, rest)
	case "restore":
		return m.restore(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprintln(m.Stdout, usage)
		return nil
	}
	fmt.Fprintln(m.Stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// logger writes JSON when stderr is not a terminal (a log collector is
// reading) and text when a person is.
func (m *Main) logger() *slog.Logger {
	if f, ok := m.Stderr.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(m.Stderr, nil))
		}
	}
	return slog.New(slog.NewJSONHandler(m.Stderr, nil))
}
