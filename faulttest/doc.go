// Package faulttest is Roster's fault-injection suite. It holds only tests:
// they build the roster binary once, start real processes (roster serve,
// a private PostgreSQL cluster, stripe-mock, an SMTP server in the test
// process), inject one fault each — SIGKILL in the middle of a booking
// burst, the database stopped under load, the mail server refusing, the
// payment provider gone — and check the invariants of docs/design.md afterwards with
// roster check, the JSON API and the database itself.
//
// The binary has no clock a test can move, and none is added for the
// tests: where an invariant needs time to pass (a 30-minute payment hold,
// a 2-minute lease on an email being sent), the test moves the deadline
// stored in the database into the past while the server is down, which is
// what the restarted server would see once the time had passed.
//
// Tools that are missing (initdb and pg_ctl, stripe-mock) skip their test,
// except under CI=true, where the test fails and says how to install them.
//
//	go test -count=1 ./faulttest/
//	ROSTER_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/DB?sslmode=disable go test -count=1 ./faulttest/
package faulttest
