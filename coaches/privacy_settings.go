package coaches

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// Defaults and limits of a coach's privacy settings.
const (
	DefaultEraseAfterDays = 30  // days an attendee's erasure request waits for the coach
	MaxEraseAfterDays     = 30  // the law asks for an answer within a month
	DefaultRetentionDays  = 365 // days attendees' data is kept after their date ends
	// MinRetentionDays keeps data at least as long as a payment can be
	// disputed or a late refund asked for after the date.
	MinRetentionDays = 30
	MaxRetentionDays = 3650
	// LoginAgentDays is how long the user agent of an ended login is kept.
	LoginAgentDays = 30
)

// Privacy is what a coach tells attendees about their personal data and
// how long it is kept.
type Privacy struct {
	CoachID int64 `db:"coach_id"`
	// NoticeURL is the coach's privacy notice, linked from booking forms.
	NoticeURL string `db:"notice_url"`
	// Terms is the text of the consent box; with RequireConsent the box
	// must be ticked to book.
	Terms          string `db:"terms"`
	RequireConsent bool   `db:"require_consent"`
	// MarketingText, when set, is the label of a separate, unticked box
	// asking for marketing consent.
	MarketingText string `db:"marketing_text"`
	// TextVersion goes up whenever Terms, MarketingText or NoticeURL changes.
	TextVersion    int       `db:"text_version"`
	EraseAfterDays int       `db:"erase_after_days"`
	RetentionDays  int       `db:"retention_days"`
	UpdatedAt      time.Time `db:"updated_at"`
}

// Validate checks the settings' fields.
func (p Privacy) Validate() error {
	var f fault.Fields
	if p.NoticeURL != "" {
		u, err := url.Parse(p.NoticeURL)
		f.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(p.NoticeURL) <= 500,
			"notice_url", "must be an http(s) URL of at most 500 characters")
	}
	f.Check(utf8.RuneCountInString(p.Terms) <= 2000 && utf8.ValidString(p.Terms), "terms", "must be at most 2000 characters")
	f.Check(!p.RequireConsent || p.Terms != "", "terms", "is required when consent is required")
	f.Check(utf8.RuneCountInString(p.MarketingText) <= 500 && utf8.ValidString(p.MarketingText), "marketing_text", "must be at most 500 characters")
	f.Check(p.EraseAfterDays >= 0 && p.EraseAfterDays <= MaxEraseAfterDays, "erase_after_days", fmt.Sprintf("must be 0 to %d", MaxEraseAfterDays))
	f.Check(p.RetentionDays >= MinRetentionDays && p.RetentionDays <= MaxRetentionDays, "retention_days",
		fmt.Sprintf("must be %d to %d", MinRetentionDays, MaxRetentionDays))
	return f.Err()
}

func defaultPrivacy(coachID int64) Privacy {
	return Privacy{CoachID: coachID, TextVersion: 1, EraseAfterDays: DefaultEraseAfterDays, RetentionDays: DefaultRetentionDays}
}

// PrivacyOf returns a coach's privacy settings on ext, or the defaults if
// the coach set none.
func PrivacyOf(ctx context.Context, ext sqlx.ExtContext, coachID int64) (Privacy, error) {
	var p Privacy
	err := sqlx.GetContext(ctx, ext, &p, ext.Rebind(`SELECT coach_id, notice_url, terms, require_consent, marketing_text,
		text_version, erase_after_days, retention_days, updated_at FROM coach_privacy WHERE coach_id = ?`), coachID)
	if errors.Is(err, sql.ErrNoRows) {
		return defaultPrivacy(coachID), nil
	}
	if err != nil {
		return Privacy{}, fmt.Errorf("privacy settings of coach %d: %w", coachID, err)
	}
	return p, nil
}

// Privacy returns the coach's privacy settings (the defaults if unset).
func (s *Service) Privacy(ctx context.Context, coachID int64) (Privacy, error) {
	return PrivacyOf(ctx, s.db, coachID)
}

// SetPrivacy saves a coach's privacy settings. The text version goes up
// when a consent text or the notice changes. Returns a fault.Invalid
// error naming bad fields.
func (s *Service) SetPrivacy(ctx context.Context, coachID int64, p Privacy) (Privacy, error) {
	p.CoachID = coachID
	p.NoticeURL, p.Terms, p.MarketingText = strings.TrimSpace(p.NoticeURL), strings.TrimSpace(p.Terms), strings.TrimSpace(p.MarketingText)
	if err := p.Validate(); err != nil {
		return Privacy{}, err
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		old, err := PrivacyOf(ctx, tx, coachID)
		if err != nil {
			return err
		}
		p.TextVersion = old.TextVersion
		if old.Terms != p.Terms || old.MarketingText != p.MarketingText || old.NoticeURL != p.NoticeURL {
			p.TextVersion++
		}
		p.UpdatedAt = s.now().UTC()
		q, args, err := sqlx.Named(`
			INSERT INTO coach_privacy (coach_id, notice_url, terms, require_consent, marketing_text, text_version,
				erase_after_days, retention_days, updated_at)
			VALUES (:coach_id, :notice_url, :terms, :require_consent, :marketing_text, :text_version,
				:erase_after_days, :retention_days, :updated_at)
			ON CONFLICT (coach_id) DO UPDATE SET notice_url = excluded.notice_url, terms = excluded.terms,
				require_consent = excluded.require_consent, marketing_text = excluded.marketing_text,
				text_version = excluded.text_version, erase_after_days = excluded.erase_after_days,
				retention_days = excluded.retention_days, updated_at = excluded.updated_at`, p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("save privacy settings: %w", err)
		}
		return nil
	})
	return p, err
}

// AllPrivacy returns every coach's privacy settings (defaults for coaches
// who set none), for the retention worker.
func AllPrivacy(ctx context.Context, ext sqlx.ExtContext) ([]Privacy, error) {
	var ids []int64
	if err := sqlx.SelectContext(ctx, ext, &ids, `SELECT id FROM coaches ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list coaches: %w", err)
	}
	out := make([]Privacy, 0, len(ids))
	for _, id := range ids {
		p, err := PrivacyOf(ctx, ext, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ForgetLoginAgents clears the user agent of logins that ended (signed
// out or expired) before cutoff, and returns how many it cleared.
func ForgetLoginAgents(ctx context.Context, ext sqlx.ExtContext, cutoff time.Time) (int64, error) {
	res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE coach_sessions SET user_agent = ''
		WHERE user_agent <> '' AND (revoked_at < ? OR expires_at < ?)`), cutoff, cutoff)
	if err != nil {
		return 0, fmt.Errorf("forget login user agents: %w", err)
	}
	return res.RowsAffected()
}
