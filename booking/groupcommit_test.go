package booking

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// The group committer is tested here on a scratch table, with a leader
// held inside its batch until the others have queued, so the batches are
// known rather than left to timing; the booking-level behaviour (races for
// the last seat, idempotency, replicas) is tested through Reserve.

func openProbe(t *testing.T) *sqldb.DB {
	t.Helper()
	db := sqldbtest.MustOpenDB(t)
	if _, err := db.Writer().Exec(`CREATE TABLE gc_probe (note TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func insertProbe(note string) func(ctx context.Context, tx *sqlx.Tx, _ *sessionBatch) error {
	return func(ctx context.Context, tx *sqlx.Tx, _ *sessionBatch) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO gc_probe (note) VALUES (?)`), note)
		return err
	}
}

func probes(t *testing.T, db *sqldb.DB) map[string]bool {
	t.Helper()
	var notes []string
	if err := db.Select(&notes, `SELECT note FROM gc_probe`); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, n := range notes {
		got[n] = true
	}
	return got
}

// queued waits until n requests wait behind the date's running batch.
func queued(t *testing.T, g *groupCommitter, sessionID int64, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		got := len(g.queues[sessionID])
		g.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued after 10s, want %d", got, n)
		}
		time.Sleep(time.Millisecond) // polling with a deadline, not synchronisation by sleep
	}
}

var errRefused = errors.New("refused")

// holdLeader starts a request on date 1 that leads a batch and stays inside
// it until release is closed; it returns once the batch is under way.
func holdLeader(t *testing.T, g *groupCommitter) (release chan struct{}, done chan error) {
	t.Helper()
	release, done = make(chan struct{}), make(chan error, 1)
	started := make(chan struct{})
	go func() {
		done <- g.inTx(context.Background(), 1, func(ctx context.Context, tx *sqlx.Tx, _ *sessionBatch) error {
			close(started)
			<-release
			return insertProbe("leader")(ctx, tx, nil)
		})
	}()
	<-started
	return release, done
}

func TestGroupCommit(t *testing.T) {
	ctx := context.Background()

	for _, mode := range []struct {
		name          string
		locked        bool // the date's batches already run locked
		txs, relocked int
	}{
		// Locked, each request has a savepoint of its own.
		{"locked", true, 1, 0},
		// Unlocked, there are none: the first failure that is not a
		// refusal rolls the attempt back and runs the batch again, locked.
		{"unlocked, then locked", false, 2, 1},
	} {
		t.Run("a failing request rolls back only its own work and gets its own error: "+mode.name, func(t *testing.T) {
			db := openProbe(t)
			g := newGroupCommitter(db, GroupCommitConfig{}, noSessions{})
			g.locked[1] = mode.locked
			release, leaderDone := holdLeader(t, g)

			var txs sync.Map
			type outcome struct {
				note string
				err  error
			}
			requests := []struct {
				note string
				fail error
			}{
				{"ada", nil},
				{"bob", errRefused}, // inserts, then refuses: its row must not stay
				{"ada", nil},        // a unique violation after ada's row
				{"cy", nil},
			}
			results := make(chan outcome, len(requests))
			for i, r := range requests {
				go func() {
					err := g.inTx(ctx, 1, func(ctx context.Context, tx *sqlx.Tx, _ *sessionBatch) error {
						txs.Store(tx, true)
						if err := insertProbe(r.note)(ctx, tx, nil); err != nil {
							return err
						}
						return r.fail
					})
					results <- outcome{fmt.Sprintf("%d:%s", i, r.note), err}
				}()
				queued(t, g, 1, i+1) // in order, behind the leader
			}
			close(release)
			if err := <-leaderDone; err != nil {
				t.Fatalf("leader: %v", err)
			}
			got := map[string]error{}
			for range requests {
				o := <-results
				got[o.note] = o.err
			}
			if got["0:ada"] != nil || got["3:cy"] != nil {
				t.Errorf("ada and cy: %v, %v; want both committed", got["0:ada"], got["3:cy"])
			}
			if !errors.Is(got["1:bob"], errRefused) {
				t.Errorf("bob: %v, want his own refusal", got["1:bob"])
			}
			if !sqldb.IsUniqueViolation(got["2:ada"]) {
				t.Errorf("second ada: %v, want a unique violation", got["2:ada"])
			}
			n := 0
			txs.Range(func(any, any) bool { n++; return true })
			if n != mode.txs {
				t.Errorf("the four queued requests ran in %d transactions, want %d", n, mode.txs)
			}
			if got := g.stats().Relocked; got != int64(mode.relocked) {
				t.Errorf("%d batches run again locked, want %d", got, mode.relocked)
			}
			if got, want := probes(t, db), map[string]bool{"leader": true, "ada": true, "cy": true}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("stored %v, want %v", got, want)
			}
		})
	}

	t.Run("a request is answered only once its batch has committed", func(t *testing.T) {
		db := openProbe(t)
		g := newGroupCommitter(db, GroupCommitConfig{}, noSessions{})
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				note := fmt.Sprintf("p%d", i)
				if err := g.inTx(ctx, 1, insertProbe(note)); err != nil {
					t.Errorf("%s: %v", note, err)
					return
				}
				// Another connection must see it the moment it is answered.
				var n int
				if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM gc_probe WHERE note = ?`), note); err != nil || n != 1 {
					t.Errorf("%s answered but not visible to another connection (%d, %v)", note, n, err)
				}
			}()
		}
		wg.Wait()
		if got := len(probes(t, db)); got != 16 {
			t.Errorf("%d rows, want 16", got)
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(g.queues) != 0 {
			t.Errorf("queues left behind: %v", g.queues)
		}
	})

	t.Run("a request whose caller gave up before its turn does nothing", func(t *testing.T) {
		db := openProbe(t)
		g := newGroupCommitter(db, GroupCommitConfig{}, noSessions{})
		release, leaderDone := holdLeader(t, g)
		gone, cancel := context.WithCancel(ctx)
		cancel()
		done := make(chan error, 1)
		go func() { done <- g.inTx(gone, 1, insertProbe("gone")) }()
		queued(t, g, 1, 1)
		close(release)
		if err := <-leaderDone; err != nil {
			t.Fatal(err)
		}
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if got := probes(t, db); got["gone"] {
			t.Error("the abandoned request was applied")
		}
	})

	t.Run("a panicking request fails alone", func(t *testing.T) {
		db := openProbe(t)
		g := newGroupCommitter(db, GroupCommitConfig{}, noSessions{})
		err := g.inTx(ctx, 1, func(ctx context.Context, tx *sqlx.Tx, _ *sessionBatch) error {
			if err := insertProbe("half")(ctx, tx, nil); err != nil {
				return err
			}
			panic("bug")
		})
		if err == nil {
			t.Fatal("a panic was answered as success")
		}
		if err := g.inTx(ctx, 1, insertProbe("next")); err != nil {
			t.Fatal(err)
		}
		if got := probes(t, db); got["half"] || !got["next"] {
			t.Errorf("stored %v, want only next", got)
		}
	})
}

// noSessions opens no date: the probes book nothing, so the batch has no
// seats to add.
type noSessions struct{}

func (noSessions) openSessionBatch(_ context.Context, _ *sqlx.Tx, _ int64, locked bool) (*sessionBatch, error) {
	return &sessionBatch{locked: locked}, nil
}
func (noSessions) closeSessionBatch(context.Context, *sqlx.Tx, *sessionBatch) error { return nil }
func (noSessions) prefersLock(int64) bool                                           { return false }
