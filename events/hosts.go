package events

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// HostNotice tells a coach that another coach made them a host of an event
// or appointment type. Coaches of one Roster are one team: listing a
// colleague needs no consent, but the colleague is told.
type HostNotice struct {
	Host    Host   // the coach made a host
	AddedBy Host   // the coach who did it
	What    string // "event" or "appointment type"
	Title   string
	Slug    string
	Status  Status // draft, published, ...
}

// HostNotifier writes a HostNotice (an email in the outbox) inside the
// transaction that adds the host, so it is sent if and only if the change
// commits. notify implements it; cmd/roster wires it.
type HostNotifier interface {
	HostAdded(ctx context.Context, tx *sqlx.Tx, n HostNotice) error
}

// SetHostNotifier makes the service tell coaches they were made hosts.
// Without one (tests) nobody is told.
func (s *Service) SetHostNotifier(n HostNotifier) { s.hosts = n }

// keepCreator returns the hosts a change by caller leaves: next (caller
// first, from resolveHosts) with the creator (the first of current) kept
// first. A co-host cannot remove the coach who created the event or type;
// the creator's own changes are taken as given.
func keepCreator(current []Host, caller int64, next []int64) []int64 {
	if len(current) == 0 || current[0].CoachID == caller {
		return next
	}
	creator := current[0].CoachID
	out := []int64{creator}
	for _, id := range next {
		if id != creator {
			out = append(out, id)
		}
	}
	return out
}

// TellAddedHosts sends n a HostNotice, in tx, for each host of after that
// was not a host of before, other than the caller. before is empty for a
// new event or type. A nil n tells nobody.
func TellAddedHosts(ctx context.Context, tx *sqlx.Tx, n HostNotifier, caller int64, what string, before, after []Host, title, slug string, status Status) error {
	if n == nil {
		return nil
	}
	var by Host
	for _, h := range after {
		if h.CoachID == caller {
			by = h
		}
	}
	for _, h := range after {
		if h.CoachID == caller || slices.ContainsFunc(before, func(b Host) bool { return b.CoachID == h.CoachID }) {
			continue
		}
		notice := HostNotice{Host: h, AddedBy: by, What: what, Title: title, Slug: slug, Status: status}
		if err := n.HostAdded(ctx, tx, notice); err != nil {
			return fmt.Errorf("tell %s they host %s %s: %w", h.Email, what, slug, err)
		}
	}
	return nil
}

// slugUnavailable is the answer to a slug that is in use: the same whether
// the event or type holding it is published or another coach's draft, so
// it reveals nothing about unpublished work, with a free slug to use.
func slugUnavailable(ctx context.Context, ext sqlx.ExtContext, table, slug string, sentinel *fault.Error) error {
	free, err := freeSlug(ctx, ext, table, slug)
	if err != nil {
		return err
	}
	out := *sentinel
	out.Fields = map[string]string{"slug": "is not available"}
	if free != "" {
		out.Fields["slug"] = fmt.Sprintf("is not available; try %q", free)
	}
	return &out
}

// checkSlugFree returns nil if no row of table (events or
// appointment_types) has slug, else slugUnavailable's answer. Checking
// before the insert keeps a PostgreSQL transaction usable for the
// suggestion; a clash the unique index finds later (a concurrent create)
// gets slugUnavailableNoSuggestion.
func checkSlugFree(ctx context.Context, ext sqlx.ExtContext, table, slug string, sentinel *fault.Error) error {
	var n int
	if err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM `+table+` WHERE slug = ?`), slug); err != nil {
		return fmt.Errorf("check slug: %w", err)
	}
	if n == 0 {
		return nil
	}
	return slugUnavailable(ctx, ext, table, slug, sentinel)
}

// slugUnavailableNoSuggestion is slugUnavailable's answer without a
// suggestion, for when the database can no longer be asked.
func slugUnavailableNoSuggestion(sentinel *fault.Error) error {
	out := *sentinel
	out.Fields = map[string]string{"slug": "is not available"}
	return &out
}

// freeSlug returns base with the first numeric suffix no row of table
// (events or appointment_types) has.
func freeSlug(ctx context.Context, ext sqlx.ExtContext, table, base string) (string, error) {
	for i := 2; i <= 101; i++ {
		suffix := fmt.Sprintf("-%d", i)
		candidate := strings.TrimRight(base[:min(len(base), maxSlugLen-len(suffix))], "-") + suffix
		var n int
		if err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`SELECT COUNT(*) FROM `+table+` WHERE slug = ?`), candidate); err != nil {
			return "", fmt.Errorf("check slug: %w", err)
		}
		if n == 0 {
			return candidate, nil
		}
	}
	return "", nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
