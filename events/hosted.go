package events

import "context"

// HostedSession returns a date and its event (with hosts and sessions) if
// the coach hosts the event, else ErrNotFound, so a coach cannot tell
// another coach's dates from dates that do not exist.
func (s *Service) HostedSession(ctx context.Context, coachID, sessionID int64) (Session, Event, error) {
	sess, err := hostedSession(ctx, s.db, coachID, sessionID)
	if err != nil {
		return Session{}, Event{}, err
	}
	e, err := s.EventByID(ctx, sess.EventID)
	return sess, e, err
}
