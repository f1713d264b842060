package booking

// The checks a request gets before the database is asked, exported so that
// a handler whose body did not wholly parse can name every other problem
// in the same answer: one 422 lists every bad field.

// CheckRequest returns a fault.Invalid error naming every field of a seat
// booking or waitlist request that Reserve and JoinWaitlist would refuse
// before reading the database, or nil.
func (s *Service) CheckRequest(r Request) error {
	r.normalize()
	return r.validate(s.cfg.MaxSeats)
}

// CheckAppointmentRequest is CheckRequest for BookAppointment.
func (s *Service) CheckAppointmentRequest(r AppointmentRequest) error {
	r.normalize()
	return r.validate()
}
