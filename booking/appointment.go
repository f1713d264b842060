package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/contact"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Errors of 1:1 appointments.
var (
	// ErrSlotUnavailable is returned when a start is not bookable: taken
	// meanwhile, or never one of the slots listed.
	ErrSlotUnavailable = fault.New(fault.SlotUnavailable, "that time is not available; please pick another")
	// ErrMoveAppointment is returned when an appointment is moved as if it
	// were a seat booking; appointments are rescheduled to a new start.
	ErrMoveAppointment = &fault.Error{Code: fault.Invalid, Message: "an appointment is rescheduled to a new start, not moved to a date",
		Fields: map[string]string{"session_id": "does not apply to an appointment; reschedule it instead"}}
	// ErrRescheduleClosed is returned when a client reschedules after the
	// type's refund window closed, or anyone reschedules after the start.
	ErrRescheduleClosed = fault.New(fault.RegistrationClosed, "this appointment can no longer be rescheduled")
)

// MaxSlotDays is the most visitor days one slot listing covers.
const MaxSlotDays = 62

// IsAppointment reports whether b is an appointment's booking (it has no
// session; its time and hosts are in Appointment).
func (b Booking) IsAppointment() bool { return b.SessionID == 0 }

// Appointment is the time and hosts of an appointment's booking. Times are
// UTC; Timezone is the client's zone, used in their emails.
type Appointment struct {
	BookingID int64     `db:"booking_id"`
	TypeID    int64     `db:"appointment_type_id"`
	StartsAt  time.Time `db:"starts_at"`
	EndsAt    time.Time `db:"ends_at"`
	Timezone  string    `db:"timezone"`
	CreatedAt time.Time `db:"created_at"`
}

// AppointmentDetails is an appointment with its type and the coaches who
// attend it (one for a round-robin type, every host for a collective one).
type AppointmentDetails struct {
	Appointment
	Type  events.AppointmentType
	Hosts []events.Host
	// Questions are the type's registration questions; the client's
	// answers are the booking's Answers, by Question.Key.
	Questions []Question
	// HostTimezone is the first attending coach's own zone (their
	// availability's; UTC if they set none).
	HostTimezone string
}

// AppointmentRequest is what a client asks for: a start (any instant; it
// must be one of the type's slots), who they are, and their zone (for
// their emails; "" means the first host's).
type AppointmentRequest struct {
	TypeSlug string
	Start    time.Time
	Name     string
	Email    string
	Timezone string
	// Answers answer the type's registration questions, by Question.Key.
	Answers        Answers
	Consent        Consent // see ErrConsentRequired
	IdempotencyKey string
	// CreditCode, if set, pays with one credit of a package of the type
	// instead of money: the booking is confirmed at once.
	CreditCode string
	// IdempotencyScope names the client that sent IdempotencyKey, as for
	// Request.IdempotencyScope.
	IdempotencyScope string
	// ClientAddr is the network address the request came from, for the
	// caps on unpaid holds (see Config); empty when unknown.
	ClientAddr string
}

// AppointmentResult is a booked appointment and the secret that manages it.
// A paid type's booking is PendingPayment: StartCheckout(ref, Token) opens
// its checkout, as for seats.
type AppointmentResult struct {
	Result
	Appointment AppointmentDetails
}

func (r *AppointmentRequest) normalize() {
	r.TypeSlug = strings.TrimSpace(r.TypeSlug)
	r.Name = strings.TrimSpace(r.Name)
	r.Email = strings.ToLower(strings.TrimSpace(r.Email))
	r.Timezone = strings.TrimSpace(r.Timezone)
	r.CreditCode = strings.TrimSpace(r.CreditCode)
	r.Start = r.Start.UTC()
}

func (r AppointmentRequest) validate() error {
	var f fault.Fields
	f.Check(!r.Start.IsZero(), "start", "is required")
	checkName(&f, "name", r.Name)
	f.Check(contact.ValidEmail(r.Email), "email", "must be an email address")
	if r.Timezone != "" {
		f.Check(validZone(r.Timezone), "timezone", "must be an IANA time zone such as Europe/London")
	}
	f.Check(len(r.IdempotencyKey) <= 255, "Idempotency-Key", "must be at most 255 characters")
	f.Check(len(r.CreditCode) <= 100, "credit_code", "is not a credit code")
	return f.Err()
}

func (r AppointmentRequest) hash() string {
	b, _ := json.Marshal([]any{"appointment", r.TypeSlug, r.Start.Unix(), r.Name, r.Email, r.Timezone, r.Answers, r.CreditCode})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func validZone(name string) bool {
	if name == "" || strings.EqualFold(name, "local") {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// BookAppointment books a published appointment type at req.Start for the
// host(s) free then: for a round-robin type the free host booked longest
// ago, for a collective one every host. A free type's booking is confirmed
// at once; a paid type's is a hold that keeps the slot until it expires
// unpaid. The start is decided by availability.Bookable, the predicate the
// slot list uses, inside a transaction that holds every host's lock, and on
// PostgreSQL the exclusion constraint on appointment_hosts refuses any
// overlap whatever else happens. With req.CreditCode the booking spends
// one credit in the same transaction and is confirmed at once. Returns
// ErrSlotUnavailable for a start that is not a slot now, ErrNoCreditsLeft, ErrPackageUnpaid,
// ErrCreditWrongType, events.ErrAppointmentTypeNotFound for an unknown
// or unpublished type, and a fault.Invalid error naming bad fields
// (answers.<question key> for an answer the type's questions refuse).
func (s *Service) BookAppointment(ctx context.Context, req AppointmentRequest) (AppointmentResult, error) {
	req.normalize()
	if err := req.validate(); err != nil {
		return AppointmentResult{}, err
	}
	defer s.slots.invalidate() // after the commit, too: see slotCache
	for attempt := 0; ; attempt++ {
		var res AppointmentResult
		err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			var err error
			res, err = s.bookAppointment(ctx, tx, req)
			return err
		})
		if attempt == 3 || !sqldb.IsUniqueViolation(err) {
			return res, err
		}
		// A concurrent request with the same idempotency key committed
		// first (or, rarely, a ref collided): the next attempt replays it.
	}
}

func (s *Service) bookAppointment(ctx context.Context, tx *sqlx.Tx, req AppointmentRequest) (AppointmentResult, error) {
	if res, ok, err := s.replayAppointment(ctx, tx, req); err != nil || ok {
		return res, err
	}
	t, err := events.AppointmentTypeBySlug(ctx, tx, req.TypeSlug)
	if err != nil {
		return AppointmentResult{}, err
	}
	if t.Status != events.Published {
		return AppointmentResult{}, events.ErrAppointmentTypeNotFound
	}
	questions, err := loadTypeQuestions(ctx, tx, t.ID)
	if err != nil {
		return AppointmentResult{}, err
	}
	answers, err := validateAnswers(questions, req.Answers)
	if err != nil {
		return AppointmentResult{}, err
	}
	// Everything read after the lock sees every appointment and session
	// committed before it (READ COMMITTED reads a fresh snapshot per
	// statement), so the predicate below answers for the present.
	if err := s.lockCoaches(ctx, tx, t.HostIDs()); err != nil {
		return AppointmentResult{}, err
	}
	hostIDs, err := s.assignHosts(ctx, tx, t, req.Start, nil)
	if err != nil {
		return AppointmentResult{}, err
	}
	now := s.now().UTC()
	b := Booking{Name: req.Name, Email: req.Email, Seats: 1, Status: Confirmed,
		AmountCents: t.PriceCents, Currency: t.Currency, Answers: answers, CreatedAt: now, UpdatedAt: now}
	if req.CreditCode != "" {
		b.AmountCents = 0 // paid with a credit
	}
	if !t.Free() && req.CreditCode == "" {
		if err := s.checkOpenCaps(ctx, tx, req.Email, req.ClientAddr); err != nil {
			return AppointmentResult{}, err
		}
		expires := now.Add(s.cfg.HoldDuration)
		b.Status, b.HoldExpiresAt = PendingPayment, &expires
	}
	if err := insertBooking(ctx, tx, &b, t.Title, "", req.ClientAddr); err != nil {
		return AppointmentResult{}, err
	}
	if req.CreditCode != "" {
		if err := s.spendCredit(ctx, tx, req.CreditCode, t, b.ID); err != nil {
			return AppointmentResult{}, err
		}
	}
	zone := req.Timezone
	if zone == "" {
		if zone, err = s.defaultZone(ctx, tx, t); err != nil {
			return AppointmentResult{}, err
		}
	}
	a := Appointment{BookingID: b.ID, TypeID: t.ID, StartsAt: req.Start, EndsAt: req.Start.Add(minutes(t.DurationMinutes)),
		Timezone: zone, CreatedAt: now}
	if err := insertAppointment(ctx, tx, a); err != nil {
		return AppointmentResult{}, err
	}
	if err := s.occupy(ctx, tx, a, t, hostIDs); err != nil {
		return AppointmentResult{}, err
	}
	if err := recordConsents(ctx, tx, b, req.Consent, now); err != nil {
		return AppointmentResult{}, err
	}
	if req.IdempotencyKey != "" {
		if err := recordIdempotencyKey(ctx, tx, req.IdempotencyScope, req.IdempotencyKey, req.hash(), b.ID, now); err != nil {
			return AppointmentResult{}, err
		}
	}
	if err := recordHistory(ctx, tx, b, "", "appointment booked", now); err != nil {
		return AppointmentResult{}, err
	}
	token, err := s.mintToken(ctx, tx, b.ID)
	if err != nil {
		return AppointmentResult{}, err
	}
	d, err := s.appointmentDetails(ctx, tx, b)
	if err != nil {
		return AppointmentResult{}, err
	}
	if b.Status == Confirmed {
		if err := s.notifyConfirmed(ctx, tx, b, d.Event, d.Session, token); err != nil {
			return AppointmentResult{}, err
		}
	}
	return AppointmentResult{Result: Result{Booking: b, Token: token}, Appointment: *d.Appointment}, nil
}

// replayAppointment answers a repeated request (same idempotency key, same
// request) with the booking the first one made and a fresh token.
func (s *Service) replayAppointment(ctx context.Context, tx *sqlx.Tx, req AppointmentRequest) (AppointmentResult, bool, error) {
	if req.IdempotencyKey == "" {
		return AppointmentResult{}, false, nil
	}
	bookingID, ok, err := s.priorRequest(ctx, tx, req.IdempotencyScope, req.IdempotencyKey, req.hash())
	if err != nil || !ok {
		return AppointmentResult{}, false, err
	}
	b, err := bookingByID(ctx, tx, bookingID, "")
	if err != nil {
		return AppointmentResult{}, false, err
	}
	d, err := s.appointmentDetails(ctx, tx, b)
	if err != nil {
		return AppointmentResult{}, false, err
	}
	token, err := s.mintToken(ctx, tx, b.ID)
	if err != nil {
		return AppointmentResult{}, false, err
	}
	return AppointmentResult{Result: Result{Booking: b, Token: token, Replayed: true}, Appointment: *d.Appointment}, true, nil
}

// assignHosts asks availability whether the type can be booked at start
// (reading busy time through tx) and returns the coaches who take it: the
// round-robin pick or every host. keep, if set, is preferred when free (a
// rescheduled appointment stays with its coach if it can). Any refusal is
// ErrSlotUnavailable.
func (s *Service) assignHosts(ctx context.Context, tx sqlx.ExtContext, t events.AppointmentType, start time.Time, keep []int64) ([]int64, error) {
	q, err := s.slotQuery(ctx, tx, t, start, start.Add(time.Nanosecond), t.Rules().Assignment == availability.AssignAny)
	if err != nil {
		return nil, err
	}
	free, err := availability.Bookable(q, start)
	if fault.CodeOf(err) == fault.Conflict {
		return nil, fmt.Errorf("%w: %s", ErrSlotUnavailable, err.(*fault.Error).Message)
	}
	if err != nil {
		return nil, err
	}
	if t.Rules().Assignment == availability.AssignAll {
		ids := make([]int64, len(free))
		for i, h := range free {
			ids[i] = int64(h)
		}
		return ids, nil
	}
	for _, h := range free {
		if len(keep) == 1 && int64(h) == keep[0] {
			return keep, nil
		}
	}
	pick, ok := q.PickHost(free)
	if !ok {
		return nil, ErrSlotUnavailable
	}
	return []int64{int64(pick)}, nil
}

// Slot is a start at which an appointment type can be booked, shown in the
// zone the visitor asked for.
type Slot struct {
	Start, End time.Time
}

// SlotList is the answer to a slot listing: the zone the times are in and
// the slots, soonest first.
type SlotList struct {
	Timezone string
	Slots    []Slot
	// Version names the computation the list comes from (0: not cached).
	// Two lists with the same Version and as many slots are the same, so
	// a caller may keep what it made of one (its JSON) for the other.
	Version uint64
}

// Slots lists the slots of a published appointment type whose start falls
// on the days from..to (inclusive) in zone ("" means the first host's), at
// most MaxSlotDays of them. Every slot listed is bookable at this moment
// and nothing else is: both ask availability the same question over the
// same busy time (with Config.SlotCacheTTL set, as of at most that long
// ago: see slotCache). Returns events.ErrAppointmentTypeNotFound for an
// unknown or unpublished type and a fault.Invalid error naming from, to or
// timezone.
func (s *Service) Slots(ctx context.Context, typeSlug string, from, to availability.Date, zone string) (SlotList, error) {
	var f fault.Fields
	f.Check(from.Valid(), "from", "must be a date YYYY-MM-DD")
	f.Check(to.Valid(), "to", "must be a date YYYY-MM-DD")
	if from.Valid() && to.Valid() {
		f.Check(!to.Before(from), "to", "must not be before from")
		f.Check(!from.AddDays(MaxSlotDays-1).Before(to), "to", fmt.Sprintf("must be at most %d days after from", MaxSlotDays-1))
	}
	var loc *time.Location
	if zone != "" {
		var err error
		loc, err = s.zones.location(zone)
		f.Check(err == nil, "timezone", "must be an IANA time zone such as Europe/London")
	}
	if err := f.Err(); err != nil {
		return SlotList{}, err
	}
	key, now := slotKey{typeSlug: typeSlug, from: from, to: to, zone: zone}, s.now()
	if list, ok := s.slots.get(key, now); ok {
		return list, nil
	}
	gen := s.slots.generation()
	t, err := events.AppointmentTypeBySlug(ctx, s.db, typeSlug)
	if err != nil {
		return SlotList{}, err
	}
	if t.Status != events.Published {
		return SlotList{}, events.ErrAppointmentTypeNotFound
	}
	readFrom, readTo := dayBounds(from, to, loc)
	if loc == nil {
		// The zone is the first host's, read by the query itself: read
		// busy time for the days in any zone, at most 14 hours from UTC.
		readFrom, readTo = readFrom.Add(-14*time.Hour), readTo.Add(14*time.Hour)
	}
	q, err := s.slotQuery(ctx, s.db, t, readFrom, readTo, false)
	if err != nil {
		return SlotList{}, err
	}
	if zone == "" {
		// The first host's zone, which the query has just read.
		zone, loc = "UTC", time.UTC
		if len(q.Hosts) > 0 {
			zone = q.Hosts[0].Rules.Zone
			if loc, err = s.zones.location(zone); err != nil {
				return SlotList{}, fmt.Errorf("zone of the first host: %w", err)
			}
		}
	}
	q.From, q.To = dayBounds(from, to, loc)
	found, err := availability.Slots(q)
	if err != nil {
		return SlotList{}, err
	}
	out := SlotList{Timezone: zone, Slots: make([]Slot, 0, len(found))}
	for _, slot := range found {
		out.Slots = append(out.Slots, Slot{Start: slot.Start.In(loc), End: slot.End.In(loc)})
	}
	return s.slots.put(key, gen, now, minutes(t.MinNoticeMinutes), out), nil
}

// dayBounds returns the instants the dates from..to (inclusive) begin and
// end in loc (UTC if nil).
func dayBounds(from, to availability.Date, loc *time.Location) (time.Time, time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc).UTC(), time.Date(to.Year, to.Month, to.Day+1, 0, 0, 0, 0, loc).UTC()
}

// defaultZone is the first host's zone, or UTC if they set no hours.
func (s *Service) defaultZone(ctx context.Context, ext sqlx.ExtContext, t events.AppointmentType) (string, error) {
	if len(t.Hosts) == 0 {
		return "UTC", nil
	}
	return coachZone(ctx, ext, t.Hosts[0].CoachID)
}

// coachZone is the zone of the coach's availability, or UTC if they set
// no hours.
func coachZone(ctx context.Context, ext sqlx.ExtContext, coachID int64) (string, error) {
	a, err := loadAvailability(ctx, ext, coachID)
	if errors.Is(err, errNoAvailability) {
		return "UTC", nil
	}
	return a.Rules.Zone, err
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }
