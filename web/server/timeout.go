package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"sync"
	"time"
)

// timeoutHandler is http.TimeoutHandler (Go 1.26) with its response
// buffers kept between requests. As there, the handler runs on its own
// goroutine with a request context that ends after dt, and its whole
// response is held until it returns; a handler that returns in time has
// its response written, one that does not is answered 503 with body (or
// without one if the client went away), and its writes from then on fail
// with http.ErrHandlerTimeout. A panic in the handler is raised again on
// the serving goroutine.
//
// The standard one allocates a buffer the size of each response: for the
// event page (~11 kB) that was the largest part of its garbage, and the
// per-byte cost that kept it under 0.9 of /healthz (BENCHMARKS.md, "Event
// page"). A buffer goes back to the pool only once the handler has
// returned and its writer is closed, so no write can reach the buffer
// after it serves another response.
type timeoutHandler struct {
	handler http.Handler
	dt      time.Duration
	body    string
}

// timeoutBuffers are the buffers of responses written in time.
var timeoutBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept for another response; a rare
// large one (a CSV of attendees, a PDF) is left to the garbage collector.
const maxPooledBuffer = 256 << 10

// errWriterClosed answers a write after the handler returned.
var errWriterClosed = errors.New("server: write after the handler returned")

func (h *timeoutHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.dt)
	defer cancel()
	r = r.WithContext(ctx)
	tw := &timeoutWriter{h: make(http.Header), buf: timeoutBuffers.Get().(*bytes.Buffer)}
	done := make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				panicked <- p
			}
		}()
		h.handler.ServeHTTP(tw, r)
		close(done)
	}()
	select {
	case p := <-panicked:
		panic(p)
	case <-done:
		tw.mu.Lock()
		defer tw.mu.Unlock()
		maps.Copy(w.Header(), tw.h)
		if !tw.wroteHeader {
			tw.code = http.StatusOK
		}
		w.WriteHeader(tw.code)
		_, _ = w.Write(tw.buf.Bytes()) // a client that went away cannot be told; net/http logs nothing either
		buf := tw.buf
		tw.buf, tw.err = nil, errWriterClosed
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			timeoutBuffers.Put(buf)
		}
	case <-ctx.Done():
		// The handler may still write: its buffer is not pooled.
		tw.mu.Lock()
		defer tw.mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
		tw.err = ctx.Err()
		if errors.Is(tw.err, context.DeadlineExceeded) {
			_, _ = io.WriteString(w, h.body) // as above
			tw.err = http.ErrHandlerTimeout
		}
	}
}

// timeoutWriter is what the handler writes to: the headers and body kept
// until it returns, and refused (err) once the time is up or the response
// is written.
type timeoutWriter struct {
	h http.Header

	mu          sync.Mutex
	buf         *bytes.Buffer
	err         error
	wroteHeader bool
	code        int
}

func (tw *timeoutWriter) Header() http.Header { return tw.h }

func (tw *timeoutWriter) Write(p []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.err != nil {
		return 0, tw.err
	}
	if !tw.wroteHeader {
		tw.writeHeaderLocked(http.StatusOK)
	}
	return tw.buf.Write(p)
}

func (tw *timeoutWriter) WriteHeader(code int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.writeHeaderLocked(code)
}

func (tw *timeoutWriter) writeHeaderLocked(code int) {
	// As net/http's own writers do, for a code that is not three digits.
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if tw.err != nil || tw.wroteHeader {
		return
	}
	tw.wroteHeader, tw.code = true, code
}
