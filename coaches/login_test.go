package coaches_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/secret"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// movingClock is a clock tests can move forward.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *movingClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const password = "correct horse battery"

// Hashes of password. Tests store them directly: bcrypt at the real cost
// takes seconds under the race detector, so only the test that needs the
// real cost (the timing test) pays it.
const realHash = "$2a$12$9b5dcwrEdKY9wgj57OdbzuUyKOX.buEtPsfq6pZ3EQMvciV2yT/Wa" // cost 12, as Add makes

var cheapPasswordHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

// signInFixture is a service with one coach, James, whose password hash
// is hash.
func signInFixture(t testing.TB, hash string) (*coaches.Service, *movingClock, coaches.Coach) {
	t.Helper()
	clock := &movingClock{t: now}
	db := sqldbtest.MustOpenDB(t)
	svc := coaches.NewService(db, clock.now)
	coach, err := svc.Add(context.Background(), "james@example.com", "James Downer", "")
	if err != nil {
		t.Fatal(err)
	}
	if hash != "" {
		if _, err := db.Writer().Exec(db.Rebind(`UPDATE coaches SET password_hash = ? WHERE id = ?`), hash, coach.ID); err != nil {
			t.Fatal(err)
		}
	}
	return svc, clock, coach
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	svc, _, coach := signInFixture(t, cheapPasswordHash)
	if _, err := svc.Add(ctx, "nopass@example.com", "No Password", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		ok                    bool
	}{
		{"right password", "james@example.com", password, true},
		{"email in another case", " James@Example.COM ", password, true},
		{"wrong password", "james@example.com", "wrong horse battery", false},
		{"unknown email", "nobody@example.com", password, false},
		{"coach without a password", "nopass@example.com", "", false},
		{"empty password", "james@example.com", "", false},
		{"a megabyte of password", "james@example.com", password + strings.Repeat("x", 1<<20), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.LogIn(ctx, tt.email, tt.password)
			if tt.ok {
				if err != nil || got.ID != coach.ID {
					t.Fatalf("SignIn = %v, %v; want coach %d", got.ID, err, coach.ID)
				}
				return
			}
			if !errors.Is(err, coaches.ErrLoginFailed) {
				t.Fatalf("err %v, want ErrLoginFailed", err)
			}
		})
	}
}

func TestLogins(t *testing.T) {
	ctx := context.Background()
	t.Run("a huge user agent is stored cut to 200 characters", func(t *testing.T) {
		svc, _, coach := signInFixture(t, "")
		if _, _, err := svc.StartLogin(ctx, coach.ID, strings.Repeat("Mozilla/5.0 ", 50_000)); err != nil {
			t.Fatal(err)
		}
		logins, err := svc.Logins(ctx, coach.ID)
		if err != nil || len(logins) != 1 {
			t.Fatalf("logins %v, %v", logins, err)
		}
		if n := utf8.RuneCountInString(logins[0].UserAgent); n != 200 {
			t.Errorf("stored user agent of %d characters, want 200", n)
		}
	})
	t.Run("a login signs its coach in, and only its token does", func(t *testing.T) {
		svc, _, coach := signInFixture(t, "")
		token, login, err := svc.StartLogin(ctx, coach.ID, "Firefox\r\nInjected: yes")
		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 40 {
			t.Errorf("token %q is too short to hold 256 random bits", token)
		}
		if login.UserAgent != "FirefoxInjected: yes" {
			t.Errorf("user agent stored as %q, want control characters removed", login.UserAgent)
		}
		got, _, err := svc.LoggedInCoach(ctx, token)
		if err != nil || got.ID != coach.ID || got.Email != coach.Email {
			t.Fatalf("LoggedInCoach = %+v, %v", got, err)
		}
		for _, bad := range []string{"", "rst_login_forged", secret.Hash(token), token + "x"} {
			if _, _, err := svc.LoggedInCoach(ctx, bad); !errors.Is(err, coaches.ErrLoggedOut) {
				t.Errorf("token %q: err %v, want ErrLoggedOut", bad, err)
			}
		}
	})
	t.Run("idle for 14 days ends a login; use keeps it alive up to 30 days", func(t *testing.T) {
		svc, clock, coach := signInFixture(t, "")
		token, _, err := svc.StartLogin(ctx, coach.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for day := 13; day <= 26; day += 13 {
			clock.advance(13 * 24 * time.Hour)
			if _, _, err := svc.LoggedInCoach(ctx, token); err != nil {
				t.Fatalf("after %d days of regular use: %v", day, err)
			}
		}
		clock.advance(4*24*time.Hour + time.Second) // 30 days and a second after signing in
		if _, _, err := svc.LoggedInCoach(ctx, token); !errors.Is(err, coaches.ErrLoggedOut) {
			t.Errorf("30 days after signing in: err %v, want ErrLoggedOut", err)
		}
		idle, _, err := svc.StartLogin(ctx, coach.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		clock.advance(coaches.LoginIdleTimeout)
		if _, _, err := svc.LoggedInCoach(ctx, idle); !errors.Is(err, coaches.ErrLoggedOut) {
			t.Errorf("after 14 idle days: err %v, want ErrLoggedOut", err)
		}
	})
	t.Run("signing out ends one login; signing out everywhere ends all", func(t *testing.T) {
		svc, _, coach := signInFixture(t, "")
		laptop, _, _ := svc.StartLogin(ctx, coach.ID, "laptop")
		phone, _, _ := svc.StartLogin(ctx, coach.ID, "phone")
		tablet, _, _ := svc.StartLogin(ctx, coach.ID, "tablet")
		if err := svc.EndLogin(ctx, laptop); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.LoggedInCoach(ctx, laptop); !errors.Is(err, coaches.ErrLoggedOut) {
			t.Errorf("signed-out laptop: %v", err)
		}
		if _, _, err := svc.LoggedInCoach(ctx, phone); err != nil {
			t.Errorf("the phone was signed out too: %v", err)
		}
		list, err := svc.Logins(ctx, coach.ID)
		if err != nil || len(list) != 2 {
			t.Errorf("Logins = %d logins, %v; want the phone and the tablet", len(list), err)
		}
		if err := svc.EndAllLogins(ctx, coach.ID); err != nil {
			t.Fatal(err)
		}
		for _, token := range []string{phone, tablet} {
			if _, _, err := svc.LoggedInCoach(ctx, token); !errors.Is(err, coaches.ErrLoggedOut) {
				t.Errorf("after signing out everywhere: %v", err)
			}
		}
	})
}

func TestCoachTokens(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	token, err := fx.svc.CreateToken(ctx, fx.james.ID, coaches.APIToken, "Zapier")
	if err != nil {
		t.Fatal(err)
	}
	list, err := fx.svc.Tokens(ctx, fx.james.ID, coaches.APIToken)
	if err != nil || len(list) != 1 || list[0].Name != "Zapier" || !list[0].Active() {
		t.Fatalf("Tokens = %+v, %v", list, err)
	}
	t.Run("another coach cannot revoke it", func(t *testing.T) {
		if err := fx.svc.RevokeToken(ctx, fx.parveen.ID, list[0].ID); !errors.Is(err, coaches.ErrTokenNotFound) {
			t.Errorf("err %v, want ErrTokenNotFound", err)
		}
		if _, err := fx.svc.Authenticate(ctx, token, coaches.APIToken); err != nil {
			t.Errorf("the token stopped working: %v", err)
		}
	})
	t.Run("its coach revokes it", func(t *testing.T) {
		if err := fx.svc.RevokeToken(ctx, fx.james.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Authenticate(ctx, token, coaches.APIToken); !errors.Is(err, coaches.ErrUnauthorized) {
			t.Errorf("revoked token: err %v", err)
		}
	})
	t.Run("names are one short line", func(t *testing.T) {
		for _, name := range []string{"", "  ", "a\nb", string(make([]byte, 101))} {
			if err := coaches.ValidateTokenName(name); err == nil {
				t.Errorf("ValidateTokenName(%q) = nil, want an error", name)
			}
		}
	})
}

// BenchmarkSignInFailure shows that an unknown email costs as much as a
// wrong password (one bcrypt comparison at cost 12 each), so the two cannot
// be told apart by time. Compare the two sub-benchmarks' ns/op; this is a
// measurement, not an assertion.
func BenchmarkSignInFailure(b *testing.B) {
	ctx := context.Background()
	svc, _, _ := signInFixture(b, realHash)
	for _, email := range []string{"james@example.com", "nobody@example.com"} {
		b.Run(email, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.LogIn(ctx, email, "wrong horse battery"); !errors.Is(err, coaches.ErrLoginFailed) {
					b.Fatal(err)
				}
			}
		})
	}
}
