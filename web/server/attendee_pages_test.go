package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAttendeeExtras(t *testing.T) {
	e := newEnv(t)
	e.createFree() // sessions 1 and 2
	t.Run("the API keeps the visitor's zone and refuses what is not one", func(t *testing.T) {
		status, _, raw := e.bookAPI(`{"session_id": 1, "name": "Ada Lovelace", "email": "ada@example.com", "seats": 1, "timezone": "America/New_York"}`)
		if status != 201 {
			t.Fatalf("with a zone: %d %s", status, raw)
		}
		status, _, raw = e.bookAPI(`{"session_id": 1, "name": "Bo", "email": "bo@example.com", "seats": 1, "timezone": "Mars/Base"}`)
		if status != 422 || !strings.Contains(raw, `"timezone"`) {
			t.Errorf("with no zone: %d %s", status, raw)
		}
	})
	t.Run("a free booking has no receipt", func(t *testing.T) {
		_, b, _ := e.bookAPI(`{"session_id": 2, "name": "Cy", "email": "cy@example.com", "seats": 1}`)
		ref, token := manage(b.ManageURL)
		if status, body := e.do("GET", "/bookings/"+ref+"/receipt?t="+token, "", ""); status != http.StatusNotFound || !strings.Contains(body, "no receipt") {
			t.Errorf("receipt of a free booking: %d", status)
		}
		if status, _ := e.do("GET", "/bookings/"+ref+"/receipt?t=wrong", "", ""); status != http.StatusNotFound {
			t.Errorf("receipt with a wrong token: %d", status)
		}
	})
	t.Run("favicon.ico leads to the icon", func(t *testing.T) {
		resp, err := noRedirect.Get(e.srv.URL + "/favicon.ico")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || !strings.HasSuffix(resp.Header.Get("Location"), "/favicon.svg") {
			t.Errorf("%d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestDashboardReceiptAddress(t *testing.T) {
	fx := newLabFixture(t)
	james := fx.signedIn("james@example.com")
	t.Run("saved and shown again", func(t *testing.T) {
		a := james.post("/dashboard/settings/receipt", url.Values{"address": {"Downer Coaching Ltd\r\n12 Canal Street"}})
		if a.status != http.StatusOK || !strings.Contains(a.body, "Receipt address saved") {
			t.Fatalf("save: %d", a.status)
		}
		if page := james.get("/dashboard/settings"); !strings.Contains(page.body, "Downer Coaching Ltd\n12 Canal Street</textarea>") {
			t.Error("the settings page does not show the saved address")
		}
	})
	t.Run("too long is refused beside the field", func(t *testing.T) {
		a := james.post("/dashboard/settings/receipt", url.Values{"address": {strings.Repeat("x", 501)}})
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="receipt-address-error"`) {
			t.Errorf("too long: %d", a.status)
		}
	})
}
