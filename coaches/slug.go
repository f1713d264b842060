package coaches

import (
	"context"
	"fmt"
	"strings"
)

// Slug is the name of a coach's public page, /coaches/<slug>: the local
// part of their email in lower-case letters and digits joined by single
// hyphens ("james.downer@example.com" -> "james-downer"). It is derived,
// not stored, so it needs no migration and cannot drift; two coaches whose
// emails share a local part share a slug, and the earlier coach keeps the
// page (see BySlug).
func Slug(c Coach) string {
	local, _, _ := strings.Cut(c.Email, "@")
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(local) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		default:
			hyphen = true
		}
	}
	return b.String()
}

// BySlug returns the coach whose Slug is slug (the earliest added, if
// several share it), or ErrNotFound.
func (s *Service) BySlug(ctx context.Context, slug string) (Coach, error) {
	if slug == "" || len(slug) > 254 {
		return Coach{}, ErrNotFound
	}
	var list []Coach
	// Coaches are few (a practice, not a marketplace), so reading them all
	// keeps the slug rule in Go, in one place.
	if err := s.db.SelectContext(ctx, &list, `SELECT * FROM coaches ORDER BY id`); err != nil {
		return Coach{}, fmt.Errorf("coach by slug: %w", err)
	}
	for _, c := range list {
		if Slug(c) == slug {
			return c, nil
		}
	}
	return Coach{}, ErrNotFound
}
