package faulttest

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSecretsNeverLogged runs one of everything that handles a secret
// through the real binary — the coach's password, API and feed tokens, a
// dashboard session, manage tokens in URLs, the SMTP password, the Stripe
// keys and a webhook signature, forged tokens too — and then requires that
// none of them appears in anything roster wrote to its logs or to the
// terminal (roster serve's log, and every command's output but the one
// line token create exists to print).
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	const smtpPassword = "smtp-Pa55word-never-logged"
	mail := startMail(t, "mailer", smtpPassword)
	dbURL := filepath.Join(t.TempDir(), "roster.db")
	settings := map[string]string{"DATABASE_URL": dbURL, "SMTP_URL": mail.url()}
	secrets := map[string]string{"SMTP password": smtpPassword, "coach password": coachPassword}
	if _, found := findStripeMock(); found || inCI() {
		mock := startStripeMock(t)
		settings["STRIPE_SECRET_KEY"] = stripeSecretKey
		settings["STRIPE_WEBHOOK_SECRET"] = stripeWebhookSecret
		settings["STRIPE_API_BASE"] = mock.url()
		secrets["Stripe secret key"] = stripeSecretKey
		secrets["Stripe webhook secret"] = stripeWebhookSecret
	} else {
		t.Logf("stripe-mock is not installed (%s): checking without Stripe", stripeMockInstall)
	}
	env := rosterEnv(settings)
	var commandOutput []string
	run := func(stdin string, args ...string) string {
		stdout, stderr, code := runRoster(t, env, stdin, args...)
		if code != 0 {
			t.Fatalf("roster %s: exit %d: %s%s", strings.Join(args, " "), code, stdout, stderr)
		}
		commandOutput = append(commandOutput, stderr)
		return stdout
	}
	apiToken := addCoach(t, env)
	secrets["API token"] = apiToken
	feedToken := strings.TrimSpace(run("", "token", "create", "--coach", "james@example.com", "--feed"))
	secrets["feed token"] = feedToken

	srv := startServer(t, settings)
	free := createEvent(t, srv, apiToken, "secrets-free", 0, 10)
	paid := createEvent(t, srv, apiToken, "secrets-paid", 4900, 10)

	// An attendee books and manages the booking with the token in the URL.
	r, b := book(srv, free, "Ada Lovelace", "ada@example.com", 1)
	if r.Status != http.StatusCreated {
		t.Fatalf("book: %s", r)
	}
	manage, err := url.Parse(b.ManageURL)
	if err != nil {
		t.Fatal(err)
	}
	manageToken := manage.Query().Get("t")
	secrets["manage token"] = manageToken
	for _, path := range []string{
		manage.Path + "?t=" + url.QueryEscape(manageToken),
		manage.Path + "/invite.ics?t=" + url.QueryEscape(manageToken),
		"/api/v1" + manage.Path + "?t=" + url.QueryEscape(manageToken),
		manage.Path + "?t=forged-manage-token-value",
	} {
		send("GET", srv.URL+path, "", nil, nil)
	}
	secrets["forged manage token"] = "forged-manage-token-value"
	send("POST", srv.URL+"/api/v1"+manage.Path+"/cancel?t="+url.QueryEscape(manageToken), "", nil, nil)

	// The coach uses the API, the feed and the dashboard.
	send("GET", srv.URL+"/api/v1/admin/events", apiToken, nil, nil)
	const forgedBearer = "rst_api_forgedForgedForgedForgedForgedForged0"
	secrets["forged API token"] = forgedBearer
	send("GET", srv.URL+"/api/v1/admin/events", forgedBearer, nil, nil)
	send("GET", srv.URL+"/coaches/feed.ics?token="+url.QueryEscape(feedToken), "", nil, nil)
	login := url.Values{"email": {"james@example.com"}, "password": {coachPassword}}
	r = send("POST", srv.URL+"/dashboard/login", "", []byte(login.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": srv.URL})
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Value != "" {
			secrets["dashboard session cookie "+c.Name] = c.Value
			send("GET", srv.URL+"/dashboard", "", nil, map[string]string{"Cookie": c.Name + "=" + c.Value})
		}
	}
	wrong := url.Values{"email": {"james@example.com"}, "password": {"wrong-password-never-logged"}}
	secrets["mistyped password"] = "wrong-password-never-logged"
	send("POST", srv.URL+"/dashboard/login", "", []byte(wrong.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": srv.URL})

	if settings["STRIPE_SECRET_KEY"] != "" {
		r, held := book(srv, paid, "Paid Person", "paid@example.com", 1)
		if r.Status != http.StatusCreated {
			t.Fatalf("paid booking: %s", r)
		}
		payload, signature := signedWebhook("evt_secrets_1", held.Ref, 4900)
		secrets["webhook signature"] = signature[strings.Index(signature, "v1=")+3:]
		if r := deliverWebhook(srv, payload, signature); r.Status != http.StatusOK {
			t.Errorf("webhook: %s", r)
		}
		deliverWebhook(srv, payload, "t=1,v1=forgedsignature0123456789")
	}

	// Mail goes out with the SMTP password, carrying manage links.
	eventually(t, 30*time.Second, "mail to be delivered", func() (bool, string) {
		return len(mail.messages()) >= 2, fmt.Sprintf("%d messages", len(mail.messages()))
	})
	run("", "check")
	srv.stop()

	logs := append(srv.logs.Lines(), commandOutput...)
	if len(srv.logs.Lines()) < 10 {
		t.Fatalf("only %d log lines: the test would prove nothing", len(srv.logs.Lines()))
	}
	for what, secret := range secrets {
		if secret == "" {
			t.Errorf("no %s to look for", what)
			continue
		}
		for _, line := range logs {
			if strings.Contains(line, secret) {
				t.Errorf("the %s appears in the logs: %.400s", what, line)
				break
			}
		}
	}
	t.Logf("%d log lines searched for %d secrets", len(logs), len(secrets))
}
