package coaches_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/fault"
)

// mailbox records the account links "emailed", as notify would write them
// in the same transaction; fail makes the email fail, which must undo the
// link.
type mailbox struct {
	links []coaches.AccountLink
	fail  error
}

func (m *mailbox) AccountLinkEmail(_ context.Context, _ *sqlx.Tx, link coaches.AccountLink) error {
	if m.fail != nil {
		return m.fail
	}
	m.links = append(m.links, link)
	return nil
}

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	svc, clock, james := signInFixture(t, cheapPasswordHash)
	box := &mailbox{}
	request := func(t *testing.T) string {
		t.Helper()
		if err := svc.RequestPasswordReset(ctx, "James@Example.com", box); err != nil {
			t.Fatal(err)
		}
		return box.links[len(box.links)-1].Token
	}

	t.Run("an unknown email is answered the same and sends nothing", func(t *testing.T) {
		if err := svc.RequestPasswordReset(ctx, "nobody@example.com", box); err != nil || len(box.links) != 0 {
			t.Errorf("got %v and %d links, want nil and none", err, len(box.links))
		}
	})
	t.Run("a link sets the password once and signs out everywhere", func(t *testing.T) {
		loginToken, _, err := svc.StartLogin(ctx, james.ID, "old browser")
		if err != nil {
			t.Fatal(err)
		}
		token := request(t)
		if link, err := svc.CheckLink(ctx, token, coaches.PurposeReset); err != nil || link.Coach.ID != james.ID || !link.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("check: %+v %v", link, err)
		}
		if _, err := svc.SetPasswordWithLink(ctx, token, coaches.PurposeReset, "short"); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("a short password: %v, want invalid", err)
		}
		if _, err := svc.SetPasswordWithLink(ctx, token, coaches.PurposeReset, "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LogIn(ctx, "james@example.com", "a brand new passphrase"); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
		if _, _, err := svc.LoggedInCoach(ctx, loginToken); !errors.Is(err, coaches.ErrLoggedOut) {
			t.Errorf("the old browser is still signed in: %v", err)
		}
		if _, err := svc.SetPasswordWithLink(ctx, token, coaches.PurposeReset, "another passphrase"); !errors.Is(err, coaches.ErrLinkInvalid) {
			t.Errorf("a used link: %v, want ErrLinkInvalid", err)
		}
	})
	t.Run("a link expires after an hour", func(t *testing.T) {
		token := request(t)
		clock.advance(time.Hour)
		if _, err := svc.CheckLink(ctx, token, coaches.PurposeReset); !errors.Is(err, coaches.ErrLinkInvalid) {
			t.Errorf("an hour-old link: %v, want ErrLinkInvalid", err)
		}
	})
	t.Run("a new request retires the earlier link", func(t *testing.T) {
		first := request(t)
		second := request(t)
		if _, err := svc.CheckLink(ctx, first, coaches.PurposeReset); !errors.Is(err, coaches.ErrLinkInvalid) {
			t.Errorf("the first link: %v, want ErrLinkInvalid", err)
		}
		if _, err := svc.CheckLink(ctx, second, coaches.PurposeReset); err != nil {
			t.Errorf("the second link: %v", err)
		}
		if _, err := svc.CheckLink(ctx, second, coaches.PurposeInvite); !errors.Is(err, coaches.ErrLinkInvalid) {
			t.Errorf("a reset link as an invitation: %v, want ErrLinkInvalid", err)
		}
	})
	t.Run("when the email cannot be written, no link is made", func(t *testing.T) {
		failing := &mailbox{fail: errors.New("outbox down")}
		if err := svc.RequestPasswordReset(ctx, "james@example.com", failing); err == nil {
			t.Error("want the outbox's error")
		}
	})
}

func TestInvitation(t *testing.T) {
	ctx := context.Background()
	svc, _, james := signInFixture(t, cheapPasswordHash)
	box := &mailbox{}
	t.Run("the invited coach sets their own password", func(t *testing.T) {
		parveen, err := svc.Invite(ctx, james.ID, "Parveen@Example.com", "Parveen Downer", box)
		if err != nil {
			t.Fatal(err)
		}
		if len(box.links) != 1 || box.links[0].InvitedBy == nil || box.links[0].InvitedBy.ID != james.ID || box.links[0].Coach.ID != parveen.ID {
			t.Fatalf("links %+v", box.links)
		}
		if _, err := svc.LogIn(ctx, "parveen@example.com", ""); err == nil {
			t.Error("the invited coach signs in without a password")
		}
		if _, err := svc.SetPasswordWithLink(ctx, box.links[0].Token, coaches.PurposeInvite, "parveen's own phrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LogIn(ctx, "parveen@example.com", "parveen's own phrase"); err != nil {
			t.Errorf("sign in: %v", err)
		}
	})
	t.Run("inviting a coach who exists is refused", func(t *testing.T) {
		if _, err := svc.Invite(ctx, james.ID, "james@example.com", "James", box); !errors.Is(err, coaches.ErrExists) {
			t.Errorf("got %v, want ErrExists", err)
		}
	})
	t.Run("when the email cannot be written, nobody is invited", func(t *testing.T) {
		if _, err := svc.Invite(ctx, james.ID, "cy@example.com", "Cy", &mailbox{fail: errors.New("outbox down")}); err == nil {
			t.Fatal("want the outbox's error")
		}
		if _, err := svc.ByEmail(ctx, "cy@example.com"); !errors.Is(err, coaches.ErrNotFound) {
			t.Errorf("Cy was added: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	svc, _, james := signInFixture(t, cheapPasswordHash)
	here, login, err := svc.StartLogin(ctx, james.ID, "this browser")
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, _, err := svc.StartLogin(ctx, james.ID, "another browser")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a wrong current password and a short new one are named", func(t *testing.T) {
		err := svc.ChangePassword(ctx, james.ID, login.ID, "wrong", "short")
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Fields["current_password"] == "" || fe.Fields["password"] == "" {
			t.Errorf("got %v, want both fields named", err)
		}
	})
	t.Run("the new password works and other browsers are signed out", func(t *testing.T) {
		if err := svc.ChangePassword(ctx, james.ID, login.ID, password, "a better passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LogIn(ctx, "james@example.com", "a better passphrase"); err != nil {
			t.Errorf("sign in: %v", err)
		}
		if _, _, err := svc.LoggedInCoach(ctx, here); err != nil {
			t.Errorf("this browser was signed out: %v", err)
		}
		if _, _, err := svc.LoggedInCoach(ctx, elsewhere); !errors.Is(err, coaches.ErrLoggedOut) {
			t.Errorf("the other browser is still signed in: %v", err)
		}
	})
}
