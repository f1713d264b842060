//go:build unix

package sqldb

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// LockSQLite takes an advisory lock on the file beside a SQLite database
// (its path plus ".lock"): shared for the processes that run on it (serve
// and worker, any number at once), exclusive for one that replaces it
// (restore). It never waits: a conflicting lock returns ErrInUse. The
// operating system drops the lock when the process exits, even on a crash.
// The returned function releases it.
func LockSQLite(dbPath string, exclusive bool) (release func(), err error) {
	name := dbPath + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", dbPath, ErrInUse)
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	// Closing the file releases the lock; a close error leaves nothing held.
	return func() { _ = f.Close() }, nil
}
