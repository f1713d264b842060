package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/sqldb"
)

// errCheckFailed is returned by check after it has printed the violations.
var errCheckFailed = errors.New("invariants violated")

func (m *Main) migrate(ctx context.Context, args []string) error {
	var cfg Config
	fs := m.flags("migrate", &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	switch fs.Arg(0) {
	case "", "up":
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, "migrations applied")
		return nil
	case "status":
		return db.MigrationStatus(ctx, m.Stdout)
	}
	return fmt.Errorf("unknown migrate subcommand %q (want up or status)", fs.Arg(0))
}

func (m *Main) coach(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: roster coach add|password --email E")
	}
	var cfg Config
	fs := m.flags("coach "+args[0], &cfg)
	email := fs.String("email", "", "the coach's email address")
	name := fs.String("name", "", "the coach's name")
	fromStdin := fs.Bool("password-stdin", false, "read a password from standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	switch args[0] {
	case "add":
		password := ""
		if *fromStdin {
			if password, err = m.readPassword(); err != nil {
				return err
			}
		}
		c, err := a.coaches.Add(ctx, *email, *name, password)
		if err != nil {
			return fmt.Errorf("add coach: %w", err)
		}
		fmt.Fprintf(m.Stdout, "coach %s added\n", c.Email)
		return nil
	case "password":
		password, err := m.readPassword()
		if err != nil {
			return err
		}
		if err := a.coaches.SetPassword(ctx, *email, password); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		fmt.Fprintf(m.Stdout, "password set for %s\n", *email)
		return nil
	}
	return fmt.Errorf("unknown coach subcommand %q (want add or password)", args[0])
}

// readPassword reads a password: on a terminal it prompts on standard
// error and reads without echo, twice to catch a typo; otherwise (a pipe,
// --password-stdin) it reads the first line of standard input.
func (m *Main) readPassword() (string, error) {
	if f, ok := m.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return m.promptPassword(int(f.Fd()))
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (m *Main) promptPassword(fd int) (string, error) {
	read := func(prompt string) (string, error) {
		fmt.Fprint(m.Stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password from the terminal: %w", err)
		}
		return string(b), nil
	}
	first, err := read("Password: ")
	if err != nil {
		return "", err
	}
	again, err := read("Again: ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", errors.New("the two passwords differ; nothing was changed")
	}
	return first, nil
}

func (m *Main) token(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: roster token create --coach E [--feed] [--name N]")
	}
	var cfg Config
	fs := m.flags("token create", &cfg)
	email := fs.String("coach", "", "the coach's email address")
	feed := fs.Bool("feed", false, "create a calendar feed token instead of an API token")
	name := fs.String("name", "cli", "a name to recognise the token by")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	coach, err := a.coaches.ByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("token for %q: %w", *email, err)
	}
	kind := coaches.APIToken
	if *feed {
		kind = coaches.FeedToken
	}
	token, err := a.coaches.CreateToken(ctx, coach.ID, kind, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, token)
	return nil
}

func (m *Main) check(ctx context.Context, args []string) error {
	var cfg Config
	fs := m.flags("check", &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	violations, err := checkInvariants(ctx, a)
	if err != nil {
		return err
	}
	for _, v := range violations {
		fmt.Fprintln(m.Stdout, v)
	}
	unpaid, err := a.booking.Unpaid(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "held without payment: %d seats in %d holds, %d seats in %d waitlist offers\n",
		unpaid.HoldSeats, unpaid.Holds, unpaid.OfferSeats, unpaid.Offers)
	if len(violations) > 0 {
		return errCheckFailed
	}
	fmt.Fprintln(m.Stdout, "ok: all invariants hold")
	return nil
}

// checkInvariants gathers the violations each package reports.
func checkInvariants(ctx context.Context, a *app) ([]string, error) {
	return a.booking.Check(ctx)
}

func (m *Main) demo(ctx context.Context, args []string) error {
	var cfg Config
	fs := m.flags("demo", &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	password, err := loadDemo(ctx, a)
	if err != nil {
		return err
	}
	if password != "" {
		fmt.Fprintf(m.Stdout, "Demo loaded. Sign in at %s/dashboard as james@example.com with the password %s\n", strings.TrimRight(a.cfg.BaseURL, "/"), password)
	}
	return nil
}
