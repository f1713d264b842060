// Package bench holds Roster's end-to-end performance checks: the
// two-replica test (two roster serve processes on one PostgreSQL, a flash
// sale spread across both) and Go benchmarks of the booking hot path with
// the real email notifier. bench/run.sh produces the figures in
// BENCHMARKS.md.
package bench
