//go:build !unix

package sqldb

// LockSQLite is a no-op where flock(2) does not exist: stop the server
// before a restore.
func LockSQLite(string, bool) (func(), error) { return func() {}, nil }
