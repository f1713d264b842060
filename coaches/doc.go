// Package coaches holds the people who run events: their accounts and
// passwords, their dashboard logins (one per browser, kept in the
// coach_sessions table, whose name predates the word "login"), and their
// API and calendar-feed tokens. It owns the SQL of the coaches,
// coach_sessions and coach_tokens tables; other packages refer to a coach
// by id and look coaches up through this package.
package coaches
