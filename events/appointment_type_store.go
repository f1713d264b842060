package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/sqldb"
)

// CreateAppointmentType creates an appointment type hosted by the coach and
// any co-hosts named in in.HostEmails (who must be coaches already; the
// acting coach is always the first host), who are told by email (see
// SetHostNotifier). A missing slug is made from the title. Returns a
// fault.Invalid error naming every bad field by its JSON name, or
// ErrAppointmentSlugTaken (suggesting a free slug, the same for a
// published type and another coach's draft).
func (s *Service) CreateAppointmentType(ctx context.Context, coachID int64, in AppointmentTypeInput) (AppointmentType, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return AppointmentType{}, err
	}
	now := s.now().UTC()
	var id int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		hosts, err := resolveHosts(ctx, tx, coachID, in.HostEmails)
		if err != nil {
			return err
		}
		t := typeFromInput(in)
		if t.Slug == "" {
			t.Slug = Slugify(t.Title)
		}
		t.CreatedAt, t.UpdatedAt = now, now
		if err := insertReturningID(ctx, tx, &id, `
			INSERT INTO appointment_types (slug, title, description, duration_minutes, price_cents, currency, location,
				online_url, assignment, buffer_before_minutes, buffer_after_minutes, min_notice_minutes, horizon_days,
				slot_interval_minutes, max_per_day, reminder_offsets_minutes, refund_cutoff_hours, status, created_at, updated_at)
			VALUES (:slug, :title, :description, :duration_minutes, :price_cents, :currency, :location,
				:online_url, :assignment, :buffer_before_minutes, :buffer_after_minutes, :min_notice_minutes, :horizon_days,
				:slot_interval_minutes, :max_per_day, :reminder_offsets_minutes, :refund_cutoff_hours, :status, :created_at, :updated_at)
			RETURNING id`, t); err != nil {
			return fmt.Errorf("insert appointment type: %w", err)
		}
		if err := replaceTypeHosts(ctx, tx, id, hosts); err != nil {
			return err
		}
		created, err := LoadAppointmentType(ctx, tx, id)
		if err != nil {
			return err
		}
		return TellAddedHosts(ctx, tx, s.hosts, coachID, "appointment type", nil, created.Hosts, created.Title, created.Slug, created.Status)
	})
	if sqldb.IsUniqueViolation(err) {
		return AppointmentType{}, slugUnavailable(ctx, s.db, "appointment_types", firstNonEmpty(in.Slug, Slugify(in.Title)), ErrAppointmentSlugTaken)
	}
	if err != nil {
		return AppointmentType{}, fmt.Errorf("create appointment type: %w", err)
	}
	return LoadAppointmentType(ctx, s.db, id)
}

// UpdateAppointmentType replaces every field of an appointment type the
// coach hosts (the slug stays unless in.Slug names a new one). The type's
// creator (its first host) stays its first host whatever a co-host sends;
// hosts added are told by email. Returns
// ErrAppointmentTypeNotFound for a type the coach does not host, a
// fault.Invalid error naming bad fields, or ErrAppointmentSlugTaken.
// Appointments already booked keep their time, host and price.
func (s *Service) UpdateAppointmentType(ctx context.Context, coachID int64, slug string, in AppointmentTypeInput) (AppointmentType, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return AppointmentType{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		current, err := s.hostedAppointmentType(ctx, tx, coachID, slug)
		if err != nil {
			return err
		}
		id = current.ID
		hosts, err := resolveHosts(ctx, tx, coachID, in.HostEmails)
		if err != nil {
			return err
		}
		t := typeFromInput(in)
		t.ID, t.UpdatedAt = id, s.now().UTC()
		if t.Slug == "" {
			t.Slug = current.Slug
		}
		q, args, err := sqlx.Named(`UPDATE appointment_types SET slug = :slug, title = :title, description = :description,
			duration_minutes = :duration_minutes, price_cents = :price_cents, currency = :currency, location = :location,
			online_url = :online_url, assignment = :assignment, buffer_before_minutes = :buffer_before_minutes,
			buffer_after_minutes = :buffer_after_minutes, min_notice_minutes = :min_notice_minutes, horizon_days = :horizon_days,
			slot_interval_minutes = :slot_interval_minutes, max_per_day = :max_per_day,
			reminder_offsets_minutes = :reminder_offsets_minutes, refund_cutoff_hours = :refund_cutoff_hours,
			status = :status, updated_at = :updated_at
			WHERE id = :id`, t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("update appointment type: %w", err)
		}
		if err := replaceTypeHosts(ctx, tx, id, keepCreator(current.Hosts, coachID, hosts)); err != nil {
			return err
		}
		updated, err := LoadAppointmentType(ctx, tx, id)
		if err != nil {
			return err
		}
		return TellAddedHosts(ctx, tx, s.hosts, coachID, "appointment type", current.Hosts, updated.Hosts, updated.Title, updated.Slug, updated.Status)
	})
	if sqldb.IsUniqueViolation(err) {
		return AppointmentType{}, slugUnavailable(ctx, s.db, "appointment_types", in.Slug, ErrAppointmentSlugTaken)
	}
	if err != nil {
		return AppointmentType{}, err
	}
	return LoadAppointmentType(ctx, s.db, id)
}

// HostedAppointmentType returns a type of any status that the coach hosts,
// or ErrAppointmentTypeNotFound.
func (s *Service) HostedAppointmentType(ctx context.Context, coachID int64, slug string) (AppointmentType, error) {
	return s.hostedAppointmentType(ctx, s.db, coachID, slug)
}

func (s *Service) hostedAppointmentType(ctx context.Context, ext sqlx.ExtContext, coachID int64, slug string) (AppointmentType, error) {
	t, err := AppointmentTypeBySlug(ctx, ext, slug)
	if err != nil {
		return AppointmentType{}, err
	}
	for _, h := range t.Hosts {
		if h.CoachID == coachID {
			return t, nil
		}
	}
	return AppointmentType{}, ErrAppointmentTypeNotFound
}

// PublicAppointmentType returns a published type, or
// ErrAppointmentTypeNotFound for an unknown, draft or cancelled one.
func (s *Service) PublicAppointmentType(ctx context.Context, slug string) (AppointmentType, error) {
	t, err := AppointmentTypeBySlug(ctx, s.db, slug)
	if err != nil {
		return AppointmentType{}, err
	}
	if t.Status != Published {
		return AppointmentType{}, ErrAppointmentTypeNotFound
	}
	return t, nil
}

// CoachAppointmentTypes returns every type the coach hosts, newest first.
func (s *Service) CoachAppointmentTypes(ctx context.Context, coachID int64) ([]AppointmentType, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, s.db.Rebind(`SELECT t.id FROM appointment_types t
		JOIN appointment_type_hosts h ON h.appointment_type_id = t.id
		WHERE h.coach_id = ? ORDER BY t.created_at DESC, t.id DESC`), coachID)
	if err != nil {
		return nil, fmt.Errorf("list appointment types: %w", err)
	}
	out := make([]AppointmentType, 0, len(ids))
	for _, id := range ids {
		t, err := LoadAppointmentType(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// AppointmentTypeBySlug reads a type of any status with its hosts through
// ext, or returns ErrAppointmentTypeNotFound.
func AppointmentTypeBySlug(ctx context.Context, ext sqlx.ExtContext, slug string) (AppointmentType, error) {
	if !validSlug(slug) {
		return AppointmentType{}, ErrAppointmentTypeNotFound
	}
	// Read by slug at once rather than id first: the slot listing reads a
	// type on every request, and each statement is a round trip.
	var t AppointmentType
	err := sqlx.GetContext(ctx, ext, &t, ext.Rebind(`SELECT * FROM appointment_types WHERE slug = ?`), slug)
	if errors.Is(err, sql.ErrNoRows) {
		return AppointmentType{}, ErrAppointmentTypeNotFound
	}
	if err != nil {
		return AppointmentType{}, fmt.Errorf("find appointment type %s: %w", slug, err)
	}
	return withTypeHosts(ctx, ext, t)
}

// LoadAppointmentType reads a type with its hosts through ext (so inside a
// transaction it sees that transaction's writes), or returns
// ErrAppointmentTypeNotFound.
func LoadAppointmentType(ctx context.Context, ext sqlx.ExtContext, id int64) (AppointmentType, error) {
	var t AppointmentType
	err := sqlx.GetContext(ctx, ext, &t, ext.Rebind(`SELECT * FROM appointment_types WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return AppointmentType{}, ErrAppointmentTypeNotFound
	}
	if err != nil {
		return AppointmentType{}, fmt.Errorf("load appointment type %d: %w", id, err)
	}
	return withTypeHosts(ctx, ext, t)
}

// withTypeHosts returns t with its hosts, in their order.
func withTypeHosts(ctx context.Context, ext sqlx.ExtContext, t AppointmentType) (AppointmentType, error) {
	var hostIDs []int64
	err := sqlx.SelectContext(ctx, ext, &hostIDs, ext.Rebind(`SELECT coach_id FROM appointment_type_hosts
		WHERE appointment_type_id = ? ORDER BY position`), t.ID)
	if err != nil {
		return AppointmentType{}, fmt.Errorf("hosts of appointment type %d: %w", t.ID, err)
	}
	if t.Hosts, err = CoachHosts(ctx, ext, hostIDs); err != nil {
		return AppointmentType{}, fmt.Errorf("hosts of appointment type %d: %w", t.ID, err)
	}
	return t, nil
}

// CoachHosts returns the coaches with the given ids as hosts, in the order
// given; an unknown id is skipped.
func CoachHosts(ctx context.Context, ext sqlx.ExtContext, ids []int64) ([]Host, error) {
	people, err := coaches.ByIDs(ctx, ext, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Host, 0, len(ids))
	for _, id := range ids {
		if c, ok := people[id]; ok {
			out = append(out, Host{CoachID: c.ID, Email: c.Email, Name: c.Name, NotifyBookings: c.NotifyBookings})
		}
	}
	return out, nil
}

func replaceTypeHosts(ctx context.Context, ext sqlx.ExtContext, typeID int64, coachIDs []int64) error {
	if _, err := ext.ExecContext(ctx, ext.Rebind(`DELETE FROM appointment_type_hosts WHERE appointment_type_id = ?`), typeID); err != nil {
		return fmt.Errorf("clear appointment type hosts: %w", err)
	}
	for i, id := range coachIDs {
		if _, err := ext.ExecContext(ctx, ext.Rebind(
			`INSERT INTO appointment_type_hosts (appointment_type_id, coach_id, position) VALUES (?, ?, ?)`), typeID, id, i); err != nil {
			return fmt.Errorf("add appointment type host: %w", err)
		}
	}
	return nil
}
