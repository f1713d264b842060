package events_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// hostNotices records the HostNotices a service sends.
type hostNotices struct{ list []events.HostNotice }

func (h *hostNotices) HostAdded(_ context.Context, tx *sqlx.Tx, n events.HostNotice) error {
	if tx == nil {
		return errors.New("host notice outside a transaction")
	}
	h.list = append(h.list, n)
	return nil
}

func hostEmails(hosts []events.Host) string {
	var out []string
	for _, h := range hosts {
		out = append(out, h.Email)
	}
	return strings.Join(out, ",")
}

// TestAnswersRevealNothingOfAnotherCoach is issue #14's kind 6 for events:
// a slug clash says nothing of another coach's draft, and a co-host cannot
// remove the coach who created the event.
func TestAnswersRevealNothingOfAnotherCoach(t *testing.T) {
	ctx := context.Background()
	t.Run("a slug clash with a draft answers as with any slug in use and suggests a free one", func(t *testing.T) {
		fx := newFixture(t)
		draft := labInput()
		draft.Slug, draft.Status, draft.HostEmails = "secret-plan", events.Draft, nil
		if _, err := fx.svc.CreateEvent(ctx, fx.james.ID, draft); err != nil {
			t.Fatal(err)
		}
		published := labInput()
		published.Slug, published.HostEmails = "open-day", nil
		if _, err := fx.svc.CreateEvent(ctx, fx.james.ID, published); err != nil {
			t.Fatal(err)
		}
		mine := labInput()
		mine.HostEmails = nil
		mine.Slug = "secret-plan"
		_, draftErr := fx.svc.CreateEvent(ctx, fx.parveen.ID, mine)
		mine.Slug = "open-day"
		_, publishedErr := fx.svc.CreateEvent(ctx, fx.parveen.ID, mine)
		if !errors.Is(draftErr, events.ErrSlugTaken) || fault.CodeOf(draftErr) != fault.Invalid {
			t.Fatalf("clash with a draft: %v, want ErrSlugTaken (validation_failed)", draftErr)
		}
		var fe *fault.Error
		errors.As(draftErr, &fe)
		if got, want := fe.Fields["slug"], `is not available; try "secret-plan-2"`; got != want {
			t.Errorf("slug field %q, want %q", got, want)
		}
		if strings.ReplaceAll(draftErr.Error(), "secret-plan", "X") != strings.ReplaceAll(publishedErr.Error(), "open-day", "X") {
			t.Errorf("a draft's clash answers %q, a published event's %q: they differ", draftErr, publishedErr)
		}
	})
	t.Run("a co-host cannot remove the event's creator", func(t *testing.T) {
		fx := newFixture(t)
		e, err := fx.svc.CreateEvent(ctx, fx.james.ID, labInput())
		if err != nil {
			t.Fatal(err)
		}
		e, err = fx.svc.UpdateEvent(ctx, fx.parveen.ID, e.Slug, events.EventPatch{HostEmails: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hostEmails(e.Hosts), "james@example.com,parveen@example.com"; got != want {
			t.Errorf("hosts after the co-host's hosts:[] %s, want %s", got, want)
		}
		e, err = fx.svc.UpdateEvent(ctx, fx.james.ID, e.Slug, events.EventPatch{HostEmails: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hostEmails(e.Hosts), "james@example.com"; got != want {
			t.Errorf("hosts after the creator's hosts:[] %s, want %s", got, want)
		}
	})
	t.Run("a co-host cannot remove an appointment type's creator", func(t *testing.T) {
		fx := newFixture(t)
		at, err := fx.svc.CreateAppointmentType(ctx, fx.james.ID, chatInput())
		if err != nil {
			t.Fatal(err)
		}
		in := chatInput()
		in.HostEmails = nil
		at, err = fx.svc.UpdateAppointmentType(ctx, fx.parveen.ID, at.Slug, in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hostEmails(at.Hosts), "james@example.com,parveen@example.com"; got != want {
			t.Errorf("hosts %s, want %s", got, want)
		}
	})
	t.Run("a coach made a host is told, in the transaction", func(t *testing.T) {
		fx := newFixture(t)
		told := &hostNotices{}
		fx.svc.SetHostNotifier(told)
		in := labInput()
		in.HostEmails = nil
		e, err := fx.svc.CreateEvent(ctx, fx.james.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(told.list) != 0 {
			t.Fatalf("told %v about an event nobody else hosts", told.list)
		}
		if _, err := fx.svc.UpdateEvent(ctx, fx.james.ID, e.Slug, events.EventPatch{HostEmails: []string{"parveen@example.com"}}); err != nil {
			t.Fatal(err)
		}
		if len(told.list) != 1 || told.list[0].Host.CoachID != fx.parveen.ID || told.list[0].AddedBy.CoachID != fx.james.ID {
			t.Fatalf("notices %+v, want one to Parveen from James", told.list)
		}
		if _, err := fx.svc.UpdateEvent(ctx, fx.james.ID, e.Slug, events.EventPatch{HostEmails: []string{"parveen@example.com"}}); err != nil {
			t.Fatal(err)
		}
		if len(told.list) != 1 {
			t.Errorf("notices %d after an edit that added nobody, want 1", len(told.list))
		}
	})
}
