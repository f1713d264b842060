package docs

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const (
	sessionSample = `{"id": 1, "starts_at": "2027-09-22T18:00:00+01:00", "ends_at": "2027-09-22T20:00:00+01:00",
		"capacity": 12, "seats_left": 11, "status": "scheduled", "past": false}`
	eventSample = `{"id": 1, "slug": "career-clarity-lab", "title": "Career Clarity Lab", "summary": "s",
		"description": "d", "timezone": "Europe/London", "location": "Online", "price_cents": 4900,
		"currency": "GBP", "price": "£49.00", "status": "published", "hosts": ["james@example.com"],
		"host_details": [{"email": "james@example.com", "name": "James Downer"}],
		"reminder_offsets_minutes": [1440, 60], "registration_cutoff_minutes": 0, "refund_cutoff_hours": 48,
		"url": "http://localhost:8080/events/career-clarity-lab", "sessions": [` + sessionSample + `],
		"ticket_types": [{"id": 3, "name": "Early bird", "price_cents": 3900, "price": "£39.00", "min_price_cents": null,
			"on_sale": true, "sale": "on_sale", "left": 4, "on_sale_from": null, "on_sale_until": "2027-08-01T00:00:00Z"}]}`
	bookingSample = `{"ref": "CCL-7KQ2M9", "status": "pending_payment", "session_id": 1, "event_id": 1,
		"name": "Ada Lovelace", "email": "ada@example.com", "seats": 1, "amount_cents": 4900, "currency": "GBP",
		"refunded_cents": 0, "hold_expires_at": "2027-09-01T10:30:00Z", "answers": {"7": "Engineer"},
		"created_at": "2027-09-01T10:00:00.123456789Z",
		"manage_url": "http://localhost:8080/bookings/CCL-7KQ2M9?t=x", "checkout_url": "https://checkout.stripe.com/c/1"}`
	errorSample = `{"error": {"code": "validation_failed", "message": "some fields need attention",
		"fields": {"sessions[0].capacity": "must be at least 1"}}}`
)

// TestValidateResponse checks the helper on a good and a bad body for each
// of the document's main schemas, and on responses the document does not
// allow at all.
func TestValidateResponse(t *testing.T) {
	const jsonType = "application/json; charset=UTF-8"
	for _, tc := range []struct {
		name         string
		method, path string
		status       int
		contentType  string
		body         string
		wantErr      string // "" for a response that agrees with the document
	}{
		{"an event", "GET", "/api/v1/events/career-clarity-lab", 200, jsonType, eventSample, ""},
		{"a list of events", "GET", "/api/v1/events", 200, jsonType, "[" + eventSample + "]", ""},
		{"no events", "GET", "/api/v1/events", 200, jsonType, "[]", ""},
		{"a coach's event with its join link", "GET", "/api/v1/admin/events/career-clarity-lab", 200, jsonType,
			strings.Replace(eventSample, `"location"`, `"online_url": "https://zoom.example/j/1", "location"`, 1), ""},
		{"an event without its sessions", "GET", "/api/v1/events/career-clarity-lab", 200, jsonType,
			strings.Replace(eventSample, `"sessions": [`, `"dates": [`, 1), "sessions"},
		{"an event with a price in pounds", "GET", "/api/v1/events/career-clarity-lab", 200, jsonType,
			strings.Replace(eventSample, `"price_cents": 4900`, `"price_cents": "49.00"`, 1), "price_cents"},
		{"a session whose time is not RFC 3339", "GET", "/api/v1/events/career-clarity-lab", 200, jsonType,
			strings.Replace(eventSample, `"2027-09-22T18:00:00+01:00"`, `"22 Sept 2027 6pm"`, 1), "starts_at"},
		{"a session with an undocumented field", "GET", "/api/v1/events/career-clarity-lab", 200, jsonType,
			strings.Replace(eventSample, `"past": false`, `"past": false, "secret": 1`, 1), "secret"},
		{"a new booking", "POST", "/api/v1/bookings", 201, jsonType, bookingSample, ""},
		{"a booking read with its token", "GET", "/api/v1/bookings/CCL-7KQ2M9?t=abc", 200, jsonType, bookingSample, ""},
		{"a booking in an unknown state", "GET", "/api/v1/bookings/CCL-7KQ2M9?t=abc", 200, jsonType,
			strings.Replace(bookingSample, `"pending_payment"`, `"paid"`, 1), "status"},
		{"a booking without its ref", "GET", "/api/v1/bookings/CCL-7KQ2M9?t=abc", 200, jsonType,
			strings.Replace(bookingSample, `"ref": "CCL-7KQ2M9",`, ``, 1), "ref"},
		{"a sold-out error", "POST", "/api/v1/bookings", 409, jsonType,
			`{"error": {"code": "sold_out", "message": "not enough seats left"}}`, ""},
		{"a validation error", "POST", "/api/v1/admin/events", 422, jsonType, errorSample, ""},
		{"an error without a code", "POST", "/api/v1/bookings", 409, jsonType, `{"error": {"message": "no"}}`, "code"},
		{"an error that is a bare string", "GET", "/api/v1/admin/me", 401, jsonType, `{"error": "unauthorized"}`, "error"},
		{"a status the operation does not list", "GET", "/api/v1/events", 418, jsonType, errorSample, "418"},
		{"a body that is not JSON", "GET", "/api/v1/events", 200, "text/html; charset=UTF-8", "<p>hi</p>", "text/html"},
		{"a path the document does not have", "GET", "/api/v1/nothing", 200, jsonType, "{}", "/api/v1/nothing"},
		{"a method the path does not have", "DELETE", "/api/v1/events", 200, jsonType, "[]", "DELETE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateResponse(tc.method, tc.path, tc.status, tc.contentType, []byte(tc.body))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("want no error, got %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("want an error about %q, got none", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("want an error about %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestCheckResponse(t *testing.T) {
	t.Run("a recorded response that agrees", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/v1/admin/sessions/4/message", strings.NewReader(`{"subject":"s","body":"b"}`))
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteHeader(http.StatusAccepted)
		rec.WriteString(`{"id": "k3x9", "recipients": 2}`)
		resp := rec.Result()
		if err := CheckResponse(req, resp); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if _, err := again.ReadFrom(resp.Body); err != nil || again.String() != `{"id": "k3x9", "recipients": 2}` {
			t.Errorf("body after the check = %q, %v; want it left readable", again.String(), err)
		}
	})
	t.Run("a recorded response that does not", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/v1/admin/sessions/4/message", nil)
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteHeader(http.StatusAccepted)
		rec.WriteString(`{"id": 7}`)
		var re *ResponseError
		if err := CheckResponse(req, rec.Result()); !errors.As(err, &re) {
			t.Fatalf("want a *ResponseError, got %v", err)
		}
		if re.Status != http.StatusAccepted || len(re.Problems) == 0 {
			t.Errorf("ResponseError = %+v", re)
		}
	})
}

func TestValidateResponseConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			errs <- ValidateResponse("GET", "/api/v1/events/career-clarity-lab", 200, "application/json", []byte(eventSample))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestParseRejectsBrokenDocuments makes sure a mistake in openapi.yaml
// fails loudly rather than validating nothing.
func TestParseRejectsBrokenDocuments(t *testing.T) {
	for _, tc := range []struct{ name, old, new string }{
		{"a dangling $ref", `$ref: "#/components/schemas/Session"}`, `$ref: "#/components/schemas/Sesion"}`},
		{"a status code that is not one", `"201":`, `"2x1":`},
		{"an operation without responses", "      operationId: listEvents\n", "      operationId: listEvents\n      responses: 7\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			broken := bytes.Replace(OpenAPI(), []byte(tc.old), []byte(tc.new), 1)
			if bytes.Equal(broken, OpenAPI()) {
				t.Fatalf("the test's edit %q did not apply", tc.old)
			}
			if _, err := parse(broken); err == nil {
				t.Fatal("parse accepted a broken document")
			}
		})
	}
}
