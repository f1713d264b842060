package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// wireCounter is a TCP proxy between the benchmark and PostgreSQL that
// counts the protocol messages the client sends. Unlike time and CPU, the
// counts do not depend on what else the machine is doing, so they show
// exactly what a change to the hot path saves: round trips (each Sync of
// the extended protocol, or simple Query, is answered before the client
// goes on) and statements the server parses.
type wireCounter struct {
	target string
	ln     net.Listener
	syncs  atomic.Int64 // 'S': the end of an extended-protocol exchange
	simple atomic.Int64 // 'Q': a simple query (BEGIN, COMMIT)
	parses atomic.Int64 // 'P': a statement parsed by the server
	wg     sync.WaitGroup
}

// startWireCounter listens on 127.0.0.1 and forwards every connection to
// the PostgreSQL server of dsn; it returns dsn pointed at itself.
func startWireCounter(tb testing.TB, dsn string) (*wireCounter, string) {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	w := &wireCounter{target: u.Host, ln: ln}
	w.wg.Add(1)
	go w.accept()
	tb.Cleanup(func() {
		ln.Close()
		w.wg.Wait()
	})
	u.Host = ln.Addr().String()
	return w, u.String()
}

func (w *wireCounter) accept() {
	defer w.wg.Done()
	for {
		client, err := w.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", w.target)
		if err != nil {
			client.Close()
			continue
		}
		w.wg.Add(2)
		go func() {
			defer w.wg.Done()
			defer server.Close()
			w.forwardClient(client, server)
		}()
		go func() {
			defer w.wg.Done()
			defer client.Close()
			io.Copy(client, server)
		}()
	}
}

// forwardClient copies the client's messages to the server, counting them.
// The first message (startup) has no type byte; every later one is a type
// byte and a length that counts itself. The connections are plain TCP
// (sslmode=disable).
func (w *wireCounter) forwardClient(client, server net.Conn) {
	defer client.Close()
	var header [5]byte
	if _, err := io.ReadFull(client, header[:4]); err != nil {
		return
	}
	if err := w.copyBody(client, server, header[:4], int(binary.BigEndian.Uint32(header[:4]))-4); err != nil {
		return
	}
	for {
		if _, err := io.ReadFull(client, header[:]); err != nil {
			return
		}
		switch header[0] {
		case 'S':
			w.syncs.Add(1)
		case 'Q':
			w.simple.Add(1)
		case 'P':
			w.parses.Add(1)
		}
		if err := w.copyBody(client, server, header[:], int(binary.BigEndian.Uint32(header[1:]))-4); err != nil {
			return
		}
	}
}

func (w *wireCounter) copyBody(client, server net.Conn, header []byte, n int) error {
	if n < 0 {
		return errors.New("bad message length")
	}
	if _, err := server.Write(header); err != nil {
		return err
	}
	_, err := io.CopyN(server, client, int64(n))
	return err
}

// snapshot returns the round trips and parses counted so far.
func (w *wireCounter) snapshot() (roundTrips, parses int64) {
	return w.syncs.Load() + w.simple.Load(), w.parses.Load()
}

// BenchmarkReserveRoundTrips books one seat per iteration, one client at a
// time, through a wireCounter, and reports the round trips and the
// statements parsed per booking: the two things the booking's own SQL
// costs that no other load on the machine can move. It needs PostgreSQL.
func BenchmarkReserveRoundTrips(b *testing.B) {
	sqldbtest.RequirePostgres(b)
	counter, dsn := startWireCounter(b, sqldbtest.URL(b))
	db, err := sqldb.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	hp := newHotPathOn(b, db, 1)
	ctx := context.Background()
	// Warm up: the first bookings have the statements prepared.
	for i := range 50 {
		if _, err := hp.svc.Reserve(ctx, booking.Request{SessionID: hp.sessions[0], Name: "Warm", Email: fmt.Sprintf("w%d@example.com", i), Seats: 1}); err != nil {
			b.Fatal(err)
		}
	}
	trips, parses := counter.snapshot()
	b.ResetTimer()
	for i := range b.N {
		if _, err := hp.svc.Reserve(ctx, booking.Request{SessionID: hp.sessions[0], Name: "Bench Client", Email: fmt.Sprintf("b%d@example.com", i), Seats: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	tripsAfter, parsesAfter := counter.snapshot()
	b.ReportMetric(float64(tripsAfter-trips)/float64(b.N), "round-trips/op")
	b.ReportMetric(float64(parsesAfter-parses)/float64(b.N), "parses/op")
}
