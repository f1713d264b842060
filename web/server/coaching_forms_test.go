package server_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/server"
)

// jamesPrivacy makes James require consent to his terms and offer news.
const jamesPrivacy = `{"notice_url": "https://james.example/privacy", "terms": "I agree to James's terms.",
  "require_consent": true, "marketing_text": "News, please.", "erase_after_days": 7, "retention_days": 365}`

// TestCoachingQuestionsAndConsent follows an appointment type's questions
// from the dashboard editor to the public form and the API, with the
// coach's required consent on both.
func TestCoachingQuestionsAndConsent(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.setUpCoaching()
	james, mallory := e.signedIn("james@example.com"), e.signedIn("mallory@example.com")
	if status, body := e.do("PUT", "/api/v1/admin/privacy", e.jamesToken, jamesPrivacy); status != 200 {
		t.Fatalf("privacy: %d %s", status, body)
	}
	const questions = "/dashboard/appointment-types/career-chat/questions"
	t.Run("the type's editor links to its questions, which only its host edits", func(t *testing.T) {
		if a := james.get("/dashboard/appointment-types/career-chat"); !strings.Contains(a.body, `href="`+questions+`"`) {
			t.Errorf("no link to the questions: %.1500s", a.body)
		}
		if a := james.get(questions); a.status != 200 || !strings.Contains(a.body, `name="q0.label"`) || !strings.Contains(a.body, `action="`+questions+`"`) {
			t.Errorf("%d %.1500s", a.status, a.body)
		}
		if a := mallory.get(questions); a.status != 404 {
			t.Errorf("another coach reads the questions: %d", a.status)
		}
		if a := mallory.post(questions, url.Values{"q0.label": {"Mine?"}, "q0.kind": {"short_text"}}); a.status != 404 {
			t.Errorf("another coach saves questions: %d", a.status)
		}
	})
	t.Run("a bad question re-renders beside it; a good one saves", func(t *testing.T) {
		bad := url.Values{"q0.label": {"Which area?"}, "q0.kind": {"single_choice"}, "q0.options": {"Only one"}}
		if a := james.post(questions, bad); a.status != 422 || !strings.Contains(a.body, `value="Which area?"`) {
			t.Errorf("%d %.1500s", a.status, a.body)
		}
		good := url.Values{"q0.label": {"What would you like to talk about?"}, "q0.kind": {"short_text"}, "q0.required": {"yes"}}
		if a := james.post(questions, good); a.status != 303 || a.location != "/dashboard/appointment-types/career-chat?done=questions-saved" {
			t.Errorf("%d %s %.1000s", a.status, a.location, a.body)
		}
	})
	// Another coach's 404 on these routes is the authorisation sweep's.
	t.Run("the API reads and replaces the same questions", func(t *testing.T) {
		const api = "/api/v1/admin/appointment-types/career-chat/questions"
		if status, got := e.checked("GET", api, e.jamesToken, "", nil); status != 200 || !strings.Contains(got, "What would you like to talk about?") {
			t.Errorf("%d %s", status, got)
		}
		body := `[{"kind": "short_text", "label": "What would you like to talk about?", "required": true}]`
		if status, got := e.checked("PUT", api, e.jamesToken, body, nil); status != 200 || !strings.Contains(got, `"required":true`) {
			t.Errorf("%d %s", status, got)
		}
	})
	qid := questionID(t, e)
	const picked = "/coaching/career-chat?tz=Europe/London&from=2026-11-30&start=2026-11-30T09:00:00Z"
	t.Run("the public form asks the questions and for consent", func(t *testing.T) {
		status, body := e.do("GET", picked, "", "")
		form := between(body, `id="book"`, "</form>")
		for _, want := range []string{"What would you like to talk about? (required)", `name="answers.` + qid + `"`,
			`name="consent_terms"`, "I agree to James&#39;s terms.", `name="consent_marketing"`, "https://james.example/privacy"} {
			if !strings.Contains(form, want) {
				t.Errorf("the form lacks %s (%d): %s", want, status, form)
			}
		}
	})
	t.Run("posting without consent or answer keeps what was typed", func(t *testing.T) {
		resp, body := e.postForm("/coaching/career-chat/book", url.Values{"start": {"2026-11-30T09:00:00Z"}, "tz": {"Europe/London"},
			"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "answers." + qid: {"A new job"}})
		form := between(body, `id="book"`, "</form>")
		if resp.StatusCode != 422 || !strings.Contains(form, `id="consent-error"`) || !strings.Contains(form, `value="A new job"`) ||
			!strings.Contains(form, `value="Ada Lovelace"`) {
			t.Errorf("%d %s", resp.StatusCode, form)
		}
	})
	t.Run("with consent and the answer it books, and the booking keeps both", func(t *testing.T) {
		resp, _ := e.postForm("/coaching/career-chat/book", url.Values{"start": {"2026-11-30T09:00:00Z"}, "tz": {"Europe/London"},
			"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "answers." + qid: {"A new job"}, "consent_terms": {"yes"}})
		if resp.StatusCode != 303 {
			t.Fatalf("%d", resp.StatusCode)
		}
		ref, token := manage(resp.Header.Get("Location"))
		if _, got := e.checked("GET", "/api/v1/bookings/"+ref+"?t="+token, "", "", nil); !strings.Contains(got, `"`+qid+`":"A new job"`) {
			t.Errorf("answers not kept: %s", got)
		}
		if _, got := e.checked("GET", "/api/v1/bookings/"+ref+"/export?t="+token, "", "", nil); !strings.Contains(got, "I agree to James's terms.") {
			t.Errorf("consent not recorded: %.1500s", got)
		}
	})
	t.Run("the API takes answers and consent", func(t *testing.T) {
		without := `{"start": "2026-11-30T10:00:00Z", "name": "Bo", "email": "bo@example.com", "answers": {"` + qid + `": "Pay"}}`
		if status, got := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", without, nil); status != 422 || !strings.Contains(got, "consent.terms") {
			t.Errorf("without consent: %d %s", status, got)
		}
		unanswered := `{"start": "2026-11-30T10:00:00Z", "name": "Bo", "email": "bo@example.com", "consent": {"terms": true}}`
		if status, got := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", unanswered, nil); status != 422 || !strings.Contains(got, "answers."+qid) {
			t.Errorf("without the required answer: %d %s", status, got)
		}
		with := `{"start": "2026-11-30T10:00:00Z", "name": "Bo", "email": "bo@example.com", "answers": {"` + qid + `": "Pay"},
			"consent": {"terms": true, "marketing": true}}`
		if status, got := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", with, nil); status != 201 || !strings.Contains(got, `"`+qid+`":"Pay"`) {
			t.Errorf("with both: %d %s", status, got)
		}
	})
}

// questionID is the id of the career chat's first question, as the public
// form names its field.
func questionID(t *testing.T, e *dashEnv) string {
	t.Helper()
	_, body := e.do("GET", "/coaching/career-chat?tz=Europe/London&from=2026-11-30&start=2026-11-30T09:00:00Z", "", "")
	_, rest, ok := strings.Cut(body, `name="answers.`)
	if !ok {
		t.Fatalf("no question on the form: %s", between(body, `id="book"`, "</form>"))
	}
	id, _, _ := strings.Cut(rest, `"`)
	return id
}

// TestAdminReschedule checks the coach's reschedule in the API: the host
// moves the appointment to another slot, never onto a taken one, and
// another coach cannot see it.
func TestAdminReschedule(t *testing.T) {
	e := newEnv(t)
	e.setUpCoaching()
	book := func(start, email string) string {
		t.Helper()
		status, raw := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "",
			`{"start": "`+start+`", "name": "Ada Lovelace", "email": "`+email+`"}`, nil)
		if status != 201 {
			t.Fatalf("book: %d %s", status, raw)
		}
		var got appointmentCreated
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatal(err)
		}
		return got.Ref
	}
	ref := book("2026-11-30T09:00:00Z", "ada@example.com")
	book("2026-11-30T11:00:00Z", "bo@example.com")
	path := "/api/v1/admin/bookings/" + ref + "/reschedule"
	t.Run("another coach's booking is 404", func(t *testing.T) {
		if status, raw := e.checked("POST", path, e.otherToken, `{"start": "2026-11-30T10:00:00Z"}`, nil); status != 404 {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("a taken time is 409 slot_unavailable", func(t *testing.T) {
		if status, raw := e.checked("POST", path, e.jamesToken, `{"start": "2026-11-30T11:00:00Z"}`, nil); status != 409 || !strings.Contains(raw, "slot_unavailable") {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("a missing start is 422", func(t *testing.T) {
		if status, raw := e.checked("POST", path, e.jamesToken, `{}`, nil); status != 422 || !strings.Contains(raw, `"start"`) {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("the host moves it to a free slot", func(t *testing.T) {
		status, raw := e.checked("POST", path, e.jamesToken, `{"start": "2026-11-30T14:00:00Z"}`, nil)
		if status != 200 || !strings.Contains(raw, `"start":"2026-11-30T14:00:00Z"`) && !strings.Contains(raw, `"start":"2026-11-30T14:00:00+00:00"`) {
			t.Fatalf("%d %s", status, raw)
		}
		// The old time is free again.
		book("2026-11-30T09:00:00Z", "cy@example.com")
	})
}
