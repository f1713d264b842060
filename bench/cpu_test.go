package bench

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb"
)

// cpuMeter measures the CPU time a benchmark costs this process and the
// PostgreSQL backends serving its database. On a machine shared with other
// work, CPU per operation moves far less than operations per second, so
// it is the figure to compare before and after a change.
type cpuMeter struct {
	db      *sqldb.DB
	self    time.Duration
	backend map[int]backendUse
}

// backendUse is what a PostgreSQL backend process has used so far.
type backendUse struct {
	cpu time.Duration
	// waits counts the times it went to sleep (voluntary context
	// switches): once per round trip with the client, waiting for the next
	// message, and once per lock or disk flush it waits for. Unlike time,
	// the machine's other work does not move it.
	waits int64
}

func startCPU(tb testing.TB, db *sqldb.DB) *cpuMeter {
	tb.Helper()
	m := &cpuMeter{db: db, self: selfCPU(tb)}
	m.backend = backendCPU(tb, db)
	return m
}

// report adds go-cpu-µs/op and, on PostgreSQL, pg-cpu-µs/op to b's results.
func (m *cpuMeter) report(b *testing.B) {
	b.Helper()
	self := selfCPU(b) - m.self
	b.ReportMetric(float64(self.Microseconds())/float64(b.N), "go-cpu-µs/op")
	if m.db.Dialect != sqldb.Postgres {
		return
	}
	var pg time.Duration
	var waits int64
	for pid, now := range backendCPU(b, m.db) {
		// A backend that started during the run had used nothing before.
		pg += now.cpu - m.backend[pid].cpu
		waits += now.waits - m.backend[pid].waits
	}
	b.ReportMetric(float64(pg.Microseconds())/float64(b.N), "pg-cpu-µs/op")
	b.ReportMetric(float64(waits)/float64(b.N), "pg-waits/op")
}

func selfCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU returns what each PostgreSQL backend connected to db's
// database has used so far, read from /proc: the server runs on this
// machine, as every target of these benchmarks must. It returns nil on
// SQLite.
func backendCPU(tb testing.TB, db *sqldb.DB) map[int]backendUse {
	tb.Helper()
	if db.Dialect != sqldb.Postgres {
		return nil
	}
	var pids []int
	if err := db.Select(&pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		tb.Fatal(err)
	}
	out := make(map[int]backendUse, len(pids))
	for _, pid := range pids {
		out[pid] = backendUse{cpu: procCPU(pid), waits: procWaits(pid)}
	}
	return out
}

// procWaits returns a process's voluntary context switches, or 0 if it
// is gone.
func procWaits(pid int) int64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if value, ok := strings.CutPrefix(line, "voluntary_ctxt_switches:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			return n
		}
	}
	return 0
}

// clockTick is the unit of /proc/PID/stat's times: USER_HZ, 100 on Linux.
const clockTick = 10 * time.Millisecond

// procCPU returns a process's user and system time, or 0 if it is gone
// or not readable.
func procCPU(pid int) time.Duration {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	rest := string(raw)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	fields := strings.Fields(rest)
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}
