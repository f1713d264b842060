// Command rosterload generates load against a Roster server on this
// machine and reports what it measured as one JSON object on stdout.
//
// Every scenario is bounded in count and in time, and rosterload refuses
// any target that is not loopback (127.0.0.0/8, ::1, localhost): it is a
// benchmark tool, not a way to flood someone else's server.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/roster-app/roster/notify"
)

const usage = `usage: rosterload <scenario> [flags]

scenarios:
  flash-sale --base URL --token TOKEN --clients K --capacity C [--attempts N] [--seats S]
             [--replica URL ...] [--event-price CENTS] [--currency GBP] [--timeout 2m]
      create a published event with one date of C seats, then K clients race N
      bookings (N defaults to K) released at once; verify that exactly min(C, N)
      seats were taken (exit 1 if not); with --replica, the clients are spread
      over --base and the replicas (servers on one database)
  browse --base URL [--clients K] [--duration 10s] [--requests N] [--slug S | --path P ...]
         [--compare /healthz]
      fetch an event's page and API answer (or the given paths) as fast as they
      come for the duration or N requests; with --compare, then the same for
      that path, and report the ratio of the two rates
  mail --database-url URL [-n 1000] [--batch 20] [--workers 1] [--timeout 5m]
      store N messages in the outbox, then time the outbox drain to an SMTP
      sink rosterload runs itself on 127.0.0.1
  ceiling --database-url URL [--clients 16] [--duration 10s]
      the lean ceiling of a booking from one Go process: K clients commit the
      three statements every booking needs (booking, small outbox row, guarded
      seat update), one booking per transaction, on a date of its own

targets must be loopback; the coach token may come from $ROSTER_TOKEN and the
database from $DATABASE_URL; run "rosterload <scenario> -h" for every flag`

// Bounds on every run: a mistyped flag must not start a run that never ends.
const (
	maxClients  = 10_000
	maxAttempts = 1_000_000
	maxRequests = 10_000_000
	maxMessages = 1_000_000
	maxBatch    = 1_000
	maxWorkers  = 64
	maxRunTime  = 30 * time.Minute
)

// errNotVerified is returned after a report whose checks failed.
var errNotVerified = errors.New("the run's checks failed; see verification in the report")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, os.Args, os.Stdout, os.Stderr, os.Getenv); err != nil {
		if !errors.Is(err, errNotVerified) && !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "rosterload:", err)
		}
		os.Exit(1)
	}
}

// report is the one JSON object a run prints.
type report struct {
	// Command is the command line that produced the report (os.Args),
	// with the program named by its base name, since go run builds it in
	// a temporary directory, and with secrets (the coach token, database
	// passwords) redacted.
	Command   []string  `json:"command"`
	Scenario  string    `json:"scenario"`
	StartedAt time.Time `json:"started_at"`
	Machine   machine   `json:"machine"`
	Params    any       `json:"params"`
	Results   any       `json:"results"`
}

type machine struct {
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
}

// run runs the scenario named by args[1] (args is the whole command line,
// as os.Args) and writes its report to stdout. It returns errNotVerified
// after writing a report whose checks failed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) < 2 {
		fmt.Fprintln(stderr, usage)
		return errors.New("no scenario given")
	}
	scenario, rest := args[1], args[2:]
	started := time.Now().UTC()
	var (
		params, results any
		verified        = true
		err             error
	)
	switch scenario {
	case "flash-sale":
		var cfg flashSaleConfig
		if cfg, err = parseFlashSale(rest, stderr, getenv); err != nil {
			return err
		}
		var res flashSaleResult
		res, err = runFlashSale(ctx, cfg)
		params, results, verified = cfg, res, res.Verified
	case "browse":
		var cfg browseConfig
		if cfg, err = parseBrowse(rest, stderr); err != nil {
			return err
		}
		var res browseResult
		res, err = runBrowse(ctx, cfg)
		params, results = cfg, res
	case "mail":
		var cfg mailConfig
		if cfg, err = parseMail(rest, stderr, getenv); err != nil {
			return err
		}
		var res mailResult
		res, err = runMail(ctx, cfg)
		params, results, verified = cfg, res, res.Verified
	case "ceiling":
		var cfg ceilingConfig
		if cfg, err = parseCeiling(rest, stderr, getenv); err != nil {
			return err
		}
		var res ceilingResult
		res, err = runCeiling(ctx, cfg)
		params, results = cfg, res
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("unknown scenario %q", scenario)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", scenario, err)
	}
	out := report{
		Command: redactArgs(args), Scenario: scenario, StartedAt: started,
		Machine: machine{GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
			CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0)},
		Params: params, Results: results,
	}
	if err := json.NewEncoder(stdout).Encode(out); err != nil {
		return err
	}
	if !verified {
		return errNotVerified
	}
	return nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("rosterload "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlashSale(args []string, stderr io.Writer, getenv func(string) string) (flashSaleConfig, error) {
	cfg := flashSaleConfig{Timeout: span(2 * time.Minute)}
	fs := newFlagSet("flash-sale", stderr)
	fs.StringVar(&cfg.Base, "base", "", "the server's base URL, on loopback: http://127.0.0.1:8080")
	fs.Func("replica", "another server on the same database, on loopback; repeat for several: the clients are spread over --base and the replicas", func(u string) error {
		cfg.Replicas = append(cfg.Replicas, u)
		return nil
	})
	fs.StringVar(&cfg.Token, "token", getenv("ROSTER_TOKEN"), "a coach API token from roster token create ($ROSTER_TOKEN)")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent clients, each with its own keep-alive connection")
	fs.IntVar(&cfg.Capacity, "capacity", 10, "seats on the sale's date")
	fs.IntVar(&cfg.Attempts, "attempts", 0, "booking attempts, each by a different attendee (default --clients)")
	fs.IntVar(&cfg.Seats, "seats", 1, "seats per booking")
	fs.Int64Var(&cfg.PriceCents, "event-price", 0, "price per seat in minor units; above 0 the bookings are holds awaiting payment")
	fs.StringVar(&cfg.Currency, "currency", "GBP", "the event's ISO 4217 currency")
	fs.DurationVar((*time.Duration)(&cfg.Timeout), "timeout", time.Duration(cfg.Timeout), "the most the whole run may take")
	if err := parse(fs, args); err != nil {
		return cfg, err
	}
	if cfg.Attempts == 0 {
		cfg.Attempts = cfg.Clients
	}
	return cfg, nil
}

func parseBrowse(args []string, stderr io.Writer) (browseConfig, error) {
	cfg := browseConfig{Duration: span(10 * time.Second)}
	fs := newFlagSet("browse", stderr)
	fs.StringVar(&cfg.Base, "base", "", "the server's base URL, on loopback: http://127.0.0.1:8080")
	fs.IntVar(&cfg.Clients, "clients", 32, "concurrent clients, each with its own keep-alive connection")
	fs.DurationVar((*time.Duration)(&cfg.Duration), "duration", time.Duration(cfg.Duration), "how long each phase sends requests")
	fs.IntVar(&cfg.MaxRequests, "requests", maxRequests, "end a phase after this many requests")
	fs.StringVar(&cfg.Slug, "slug", "", "the event to browse (default: the first one GET /api/v1/events lists)")
	fs.Func("path", "a path to fetch instead of the event's page and API answer; repeat for several, fetched in turn", func(p string) error {
		cfg.Paths = append(cfg.Paths, p)
		return nil
	})
	fs.StringVar(&cfg.Compare, "compare", "", "a path to measure right after, the same way (e.g. /healthz), for the ratio of the rates")
	return cfg, parse(fs, args)
}

func parseMail(args []string, stderr io.Writer, getenv func(string) string) (mailConfig, error) {
	cfg := mailConfig{Timeout: span(5 * time.Minute), Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	fs := newFlagSet("mail", stderr)
	fs.StringVar(&cfg.DatabaseURL, "database-url", getenv("DATABASE_URL"), "postgres://… on loopback, or a SQLite path; its outbox must have nothing waiting ($DATABASE_URL)")
	fs.IntVar(&cfg.Messages, "n", 1000, "messages to store and drain")
	fs.IntVar(&cfg.Batch, "batch", notify.DefaultBatchSize, "messages per claim and per SMTP connection")
	fs.IntVar(&cfg.Workers, "workers", 1, "Deliverers draining at once; roster serve runs one")
	fs.DurationVar((*time.Duration)(&cfg.Timeout), "timeout", time.Duration(cfg.Timeout), "the most the whole run may take")
	return cfg, parse(fs, args)
}

func parseCeiling(args []string, stderr io.Writer, getenv func(string) string) (ceilingConfig, error) {
	cfg := ceilingConfig{Duration: span(10 * time.Second)}
	fs := newFlagSet("ceiling", stderr)
	fs.StringVar(&cfg.DatabaseURL, "database-url", getenv("DATABASE_URL"), "postgres://… on loopback, or a SQLite path; a date of its own is added ($DATABASE_URL)")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent clients, each committing one booking per transaction")
	fs.DurationVar((*time.Duration)(&cfg.Duration), "duration", time.Duration(cfg.Duration), "how long the clients commit")
	return cfg, parse(fs, args)
}

// parse parses args and refuses leftovers, which are mistakes such as a
// flag after a stray word.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// inRange returns an error unless lo ≤ n ≤ hi.
func inRange(name string, n, lo, hi int) error {
	if n < lo || n > hi {
		return fmt.Errorf("%s must be between %d and %d, not %d", name, lo, hi, n)
	}
	return nil
}

func checkTimeout(name string, d time.Duration) error {
	if d <= 0 || d > maxRunTime {
		return fmt.Errorf("%s must be more than 0 and at most %s, not %s", name, maxRunTime, d)
	}
	return nil
}

// secretFlags hold values a report must not repeat.
var secretFlags = map[string]bool{"token": true}

// urlFlags may hold a password in their URL.
var urlFlags = map[string]bool{"database-url": true, "base": true, "replica": true}

// redactArgs returns a copy of a command line with the program's
// directory dropped, the values of secret flags replaced by REDACTED and
// passwords in URLs hidden.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	if len(out) > 0 {
		out[0] = filepath.Base(out[0])
	}
	for i := 1; i < len(out); i++ {
		name, value, inline := strings.Cut(strings.TrimLeft(out[i], "-"), "=")
		if !strings.HasPrefix(out[i], "-") || (!secretFlags[name] && !urlFlags[name]) {
			continue
		}
		if !inline {
			if i+1 >= len(out) {
				break
			}
			i++
			value = out[i]
		}
		hidden := "REDACTED"
		if urlFlags[name] {
			hidden = redactURL(value)
		}
		if inline {
			out[i] = out[i][:strings.Index(out[i], "=")+1] + hidden
		} else {
			out[i] = hidden
		}
	}
	return out
}

// redactURL hides the password of a URL; a value that does not parse is
// hidden whole, since it might be a key=value DSN with a password in it.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme == "" && strings.Contains(raw, "password")) {
		return "REDACTED"
	}
	if _, ok := u.User.Password(); ok {
		return u.Redacted()
	}
	if strings.Contains(u.RawQuery, "password") {
		q := u.Query()
		q.Set("password", "REDACTED")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return raw
}
