package sqldb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	db := sqldbtest.MustOpenDB(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}

func TestTimesRoundTripInUTCAndOrder(t *testing.T) {
	db := sqldbtest.MustOpenDB(t)
	ctx := context.Background()
	london, _ := time.LoadLocation("Europe/London")
	instants := []time.Time{
		time.Date(2027, 9, 22, 19, 0, 0, 0, london),
		time.Date(2027, 9, 22, 17, 0, 0, 500_000_000, time.UTC),
		time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC),
		time.Date(2027, 9, 22, 17, 0, 0, 250_000_000, time.UTC),
	}
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(tx.Rebind(`INSERT INTO coaches (email, name, created_at) VALUES ('c@example.com', 'C', ?)`), time.Now()); err != nil {
			return err
		}
		for i, at := range instants {
			_, err := tx.Exec(tx.Rebind(`INSERT INTO coach_tokens (coach_id, kind, name, token_hash, created_at) VALUES (1, 'api', ?, ?, ?)`),
				"t", string(rune('a'+i)), at)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []time.Time
	if err := db.Select(&got, `SELECT created_at FROM coach_tokens ORDER BY created_at`); err != nil {
		t.Fatal(err)
	}
	want := []time.Time{instants[2], instants[3], instants[1], instants[0]}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("row %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func TestIsUniqueViolation(t *testing.T) {
	db := sqldbtest.MustOpenDB(t)
	insert := func() error {
		return db.InTx(context.Background(), func(tx *sqlx.Tx) error {
			_, err := tx.Exec(tx.Rebind(`INSERT INTO coaches (email, name, created_at) VALUES (?, ?, ?)`), "same@example.com", "S", time.Now())
			return err
		})
	}
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	err := insert()
	if !sqldb.IsUniqueViolation(err) {
		t.Fatalf("got %v, want a unique violation", err)
	}
	if sqldb.IsUniqueViolation(errors.New("other")) {
		t.Fatal("a plain error is not a unique violation")
	}
}
