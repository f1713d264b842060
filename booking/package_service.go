package booking

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Package notices.
const (
	NoticePackageConfirmed NoticeKind = "package_confirmed" // paid, free or granted: the credit code and package page
	NoticePackageExpiring  NoticeKind = "package_expiring"  // 14 and 2 days before unused credits expire
	NoticePackageRefunded  NoticeKind = "package_refunded"  // the coach refunded the unused part
)

// PackageNotice is everything a message about a package purchase needs.
type PackageNotice struct {
	Kind     NoticeKind
	Purchase Purchase
	Package  Package
	Type     events.AppointmentType // with hosts; the first signs the email
	// CreditCode is a fresh token of the purchase; PageURL carries it.
	CreditCode string
	PageURL    string
	// DaysLeft is, for NoticePackageExpiring, 14 or 2.
	DaysLeft int
	// RefundCents is, for NoticePackageRefunded, the amount queued.
	RefundCents int64
}

// PackageNotifier writes package messages inside the caller's transaction.
// The Notifier given to NewService must implement it for packages to be
// sold or granted (notify.BookingNotifier does).
type PackageNotifier interface {
	NotifyPackage(ctx context.Context, tx *sqlx.Tx, n PackageNotice) error
}

// PackageURL returns a purchase's page for its client.
func (s *Service) PackageURL(ref, token string) string {
	return s.cfg.BaseURL + "/packages/purchases/" + ref + "?t=" + token
}

func (s *Service) notifyPackage(ctx context.Context, tx *sqlx.Tx, n PackageNotice) error {
	pn, ok := s.notifier.(PackageNotifier)
	if !ok {
		return fmt.Errorf("notify %s: the notifier cannot write package emails", n.Kind)
	}
	if n.Type.ID == 0 {
		t, err := events.LoadAppointmentType(ctx, tx, n.Package.AppointmentTypeID)
		if err != nil {
			return err
		}
		n.Type = t
	}
	if err := pn.NotifyPackage(ctx, tx, n); err != nil {
		return fmt.Errorf("notify %s %s: %w", n.Kind, n.Purchase.Ref, err)
	}
	return nil
}

// CreatePackage creates a package of an appointment type the coach hosts.
// Returns events.ErrAppointmentTypeNotFound (naming appointment_type) for a
// type the coach does not host, ErrPackageSlugTaken, and a fault.Invalid
// error naming every bad field by its JSON name.
func (s *Service) CreatePackage(ctx context.Context, coachID int64, in PackageInput) (Package, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Package{}, err
	}
	var out Package
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		t, err := hostedType(ctx, tx, coachID, in.AppointmentType)
		if err != nil {
			return err
		}
		if in.Currency == "" {
			in.Currency = t.Currency
		}
		now := s.now().UTC()
		out = Package{Slug: in.Slug, Title: in.Title, AppointmentTypeID: t.ID, Credits: in.Credits, PriceCents: in.PriceCents,
			Currency: in.Currency, ValidDays: in.ValidDays, Status: in.Status, CreatedAt: now, UpdatedAt: now}
		var taken int
		if err := tx.GetContext(ctx, &taken, tx.Rebind(`SELECT COUNT(*) FROM packages WHERE slug = ?`), out.Slug); err != nil {
			return fmt.Errorf("check package slug: %w", err)
		}
		if taken > 0 {
			return ErrPackageSlugTaken
		}
		q, args, err := sqlx.Named(`INSERT INTO packages (slug, title, appointment_type_id, credits, price_cents, currency,
			valid_days, status, created_at, updated_at) VALUES (:slug, :title, :appointment_type_id, :credits, :price_cents,
			:currency, :valid_days, :status, :created_at, :updated_at) RETURNING id`, out)
		if err != nil {
			return err
		}
		return tx.GetContext(ctx, &out.ID, tx.Rebind(q), args...)
	})
	if sqldb.IsUniqueViolation(err) {
		return Package{}, ErrPackageSlugTaken
	}
	return out, err
}

// hostedType is the type with slug if the coach hosts it, else
// events.ErrAppointmentTypeNotFound naming the appointment_type field.
func hostedType(ctx context.Context, ext sqlx.ExtContext, coachID int64, slug string) (events.AppointmentType, error) {
	t, err := events.AppointmentTypeBySlug(ctx, ext, slug)
	if err == nil {
		for _, h := range t.Hosts {
			if h.CoachID == coachID {
				return t, nil
			}
		}
		err = events.ErrAppointmentTypeNotFound
	}
	if fault.CodeOf(err) == fault.NotFound {
		return events.AppointmentType{}, &fault.Error{Code: fault.NotFound, Message: err.(*fault.Error).Message,
			Fields: map[string]string{"appointment_type": "is not an appointment type you host"}}
	}
	return events.AppointmentType{}, err
}

// PublicPackage returns a published package and its type, or
// ErrPackageNotFound.
func (s *Service) PublicPackage(ctx context.Context, slug string) (Package, events.AppointmentType, error) {
	p, err := packageBySlug(ctx, s.db, strings.ToLower(strings.TrimSpace(slug)))
	if err != nil {
		return Package{}, events.AppointmentType{}, err
	}
	if p.Status != PackagePublished {
		return Package{}, events.AppointmentType{}, ErrPackageNotFound
	}
	t, err := events.LoadAppointmentType(ctx, s.db, p.AppointmentTypeID)
	return p, t, err
}

// CoachPackages returns the packages of every type the coach hosts, newest
// first.
func (s *Service) CoachPackages(ctx context.Context, coachID int64) ([]Package, error) {
	var out []Package
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT p.* FROM packages p WHERE EXISTS (SELECT 1 FROM appointment_type_hosts h
		WHERE h.appointment_type_id = p.appointment_type_id AND h.coach_id = ?) ORDER BY p.created_at DESC, p.id DESC`), coachID)
	if err != nil {
		return nil, fmt.Errorf("list packages: %w", err)
	}
	return out, nil
}

// BuyPackage starts a client's purchase of a published package. A free
// package (price 0, a gift) is active at once and its credit code emailed
// in the same transaction; a paid one is PurchasePending until its
// checkout is paid (StartPackageCheckout opens it with the result's
// CreditCode). Returns ErrPackageNotFound and a fault.Invalid error naming
// name or email.
func (s *Service) BuyPackage(ctx context.Context, req PurchaseRequest) (PurchaseResult, error) {
	req.normalize()
	if err := req.validate(); err != nil {
		return PurchaseResult{}, err
	}
	var out PurchaseResult
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		pkg, err := packageBySlug(ctx, tx, req.PackageSlug)
		if err != nil {
			return err
		}
		if pkg.Status != PackagePublished {
			return ErrPackageNotFound
		}
		now := s.now().UTC()
		p := Purchase{PackageID: pkg.ID, Name: req.Name, Email: req.Email, Status: PurchasePending, Source: SourceSale,
			AmountCents: pkg.PriceCents, Currency: pkg.Currency, CreditsBought: pkg.Credits, CreditsLeft: pkg.Credits,
			CreatedAt: now, UpdatedAt: now}
		if pkg.PriceCents > 0 {
			hold := now.Add(s.cfg.HoldDuration)
			p.HoldExpiresAt = &hold
		}
		out, err = s.startPurchase(ctx, tx, pkg, p, "package bought")
		return err
	})
	return out, err
}

// GrantCredits gives a client credits of a package of a type the coach
// hosts, by hand and free, with the coach's note: an active purchase the
// client is emailed about like a bought one. Returns ErrPackageNotFound
// (also for a package of a type the coach does not host) and a
// fault.Invalid error naming name, email, credits or note.
func (s *Service) GrantCredits(ctx context.Context, coachID int64, req GrantRequest) (PurchaseResult, error) {
	pr := PurchaseRequest{PackageSlug: req.PackageSlug, Name: req.Name, Email: req.Email}
	pr.normalize()
	req.Note = strings.TrimSpace(req.Note)
	var f fault.Fields
	if err := pr.validate(); err != nil {
		f = fault.Fields(err.(*fault.Error).Fields)
	}
	f.Check(req.Credits >= 0 && req.Credits <= 100, "credits", "must be between 1 and 100")
	f.Check(len(req.Note) <= 2000 && !strings.ContainsRune(req.Note, 0), "note", "must be at most 2000 characters of text")
	if err := f.Err(); err != nil {
		return PurchaseResult{}, err
	}
	var out PurchaseResult
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		pkg, err := packageBySlug(ctx, tx, pr.PackageSlug)
		if err != nil {
			return err
		}
		if _, err := hostedTypeByID(ctx, tx, coachID, pkg.AppointmentTypeID); err != nil {
			return ErrPackageNotFound
		}
		credits := req.Credits
		if credits == 0 {
			credits = pkg.Credits
		}
		now := s.now().UTC()
		p := Purchase{PackageID: pkg.ID, Name: pr.Name, Email: pr.Email, Status: PurchasePending, Source: SourceGrant, Note: req.Note,
			Currency: pkg.Currency, CreditsBought: credits, CreditsLeft: credits, CreatedAt: now, UpdatedAt: now}
		out, err = s.startPurchase(ctx, tx, pkg, p, fmt.Sprintf("granted by coach %d", coachID))
		return err
	})
	return out, err
}

func hostedTypeByID(ctx context.Context, ext sqlx.ExtContext, coachID, typeID int64) (events.AppointmentType, error) {
	t, err := events.LoadAppointmentType(ctx, ext, typeID)
	if err != nil {
		return events.AppointmentType{}, err
	}
	for _, h := range t.Hosts {
		if h.CoachID == coachID {
			return t, nil
		}
	}
	return events.AppointmentType{}, events.ErrAppointmentTypeNotFound
}

// startPurchase stores p with a token and, if it costs nothing, activates
// it at once (which emails the code).
func (s *Service) startPurchase(ctx context.Context, tx *sqlx.Tx, pkg Package, p Purchase, reason string) (PurchaseResult, error) {
	if err := insertPurchase(ctx, tx, &p); err != nil {
		return PurchaseResult{}, err
	}
	if err := recordPurchaseHistory(ctx, tx, p, "", reason, p.CreatedAt); err != nil {
		return PurchaseResult{}, err
	}
	token, err := s.mintPurchaseToken(ctx, tx, p.ID)
	if err != nil {
		return PurchaseResult{}, err
	}
	if p.AmountCents == 0 {
		if err := s.activatePurchase(ctx, tx, &p, pkg, PurchasePay, reason+": nothing to pay"); err != nil {
			return PurchaseResult{}, err
		}
	}
	return PurchaseResult{Purchase: p, Package: pkg, CreditCode: token}, nil
}

// purchaseTransition moves p (locked by the caller) through action: it
// checks the table, sets the status, saves and records why.
func (s *Service) purchaseTransition(ctx context.Context, tx *sqlx.Tx, p *Purchase, action PurchaseAction, reason string) error {
	to, err := NextPurchaseStatus(p.Status, action)
	if err != nil {
		return err
	}
	from := p.Status
	now := s.now().UTC()
	p.Status, p.UpdatedAt = to, now
	if to != PurchasePending {
		p.HoldExpiresAt = nil
	}
	if err := savePurchase(ctx, tx, *p); err != nil {
		return err
	}
	return recordPurchaseHistory(ctx, tx, *p, from, reason, now)
}

// activatePurchase makes p active (pay or late_paid): its validity starts
// now and the client is emailed the credit code and page.
func (s *Service) activatePurchase(ctx context.Context, tx *sqlx.Tx, p *Purchase, pkg Package, action PurchaseAction, reason string) error {
	expires := s.now().UTC().AddDate(0, 0, pkg.ValidDays)
	p.ExpiresAt = &expires
	if err := s.purchaseTransition(ctx, tx, p, action, reason); err != nil {
		return err
	}
	token, err := s.mintPurchaseToken(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	return s.notifyPackage(ctx, tx, PackageNotice{Kind: NoticePackageConfirmed, Purchase: *p, Package: pkg,
		CreditCode: token, PageURL: s.PackageURL(p.Ref, token)})
}

// PackagePurchase returns a purchase with its package, type and the
// appointments booked with its credits, for its client (actor.Token: any
// token of the purchase, which is also a credit code) or a coach who hosts
// its type. Returns ErrPurchaseNotFound otherwise.
func (s *Service) PackagePurchase(ctx context.Context, ref string, actor Actor) (PurchaseDetails, error) {
	p, err := s.authorizePurchase(ctx, s.db, ref, actor, "")
	if err != nil {
		return PurchaseDetails{}, err
	}
	return s.purchaseDetails(ctx, s.db, p)
}

func (s *Service) purchaseDetails(ctx context.Context, ext sqlx.ExtContext, p Purchase) (PurchaseDetails, error) {
	pkg, err := packageByID(ctx, ext, p.PackageID)
	if err != nil {
		return PurchaseDetails{}, err
	}
	t, err := events.LoadAppointmentType(ctx, ext, pkg.AppointmentTypeID)
	if err != nil {
		return PurchaseDetails{}, err
	}
	uses, err := creditUses(ctx, ext, p.ID)
	if err != nil {
		return PurchaseDetails{}, err
	}
	return PurchaseDetails{Purchase: p, Package: pkg, Type: t, Uses: uses}, nil
}

// authorizePurchase loads the purchase ref if actor may see it: by any of
// its tokens, or as a coach hosting its type. Anything else is
// ErrPurchaseNotFound, so refs cannot be probed.
func (s *Service) authorizePurchase(ctx context.Context, ext sqlx.ExtContext, ref string, actor Actor, lock string) (Purchase, error) {
	p, err := purchaseBy(ctx, ext, "ref", strings.ToUpper(strings.TrimSpace(ref)), lock)
	if err != nil {
		return Purchase{}, err
	}
	if actor.CoachID != 0 {
		pkg, err := packageByID(ctx, ext, p.PackageID)
		if err != nil {
			return Purchase{}, err
		}
		if _, err := hostedTypeByID(ctx, ext, actor.CoachID, pkg.AppointmentTypeID); err != nil {
			return Purchase{}, ErrPurchaseNotFound
		}
		return p, nil
	}
	id, ok, err := purchaseIDByToken(ctx, ext, actor.Token)
	if err != nil {
		return Purchase{}, err
	}
	if !ok || id != p.ID {
		return Purchase{}, ErrPurchaseNotFound
	}
	return p, nil
}
