package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
)

func TestReadyNote(t *testing.T) {
	now := func() time.Time { return testNow }
	local := &app{cfg: Config{BaseURL: "http://localhost:8080"}, mailbox: notify.NewDevMailbox(10, nil, now),
		offline: payments.NewOfflineWithClock("http://localhost:8080", now)}
	tests := []struct {
		name        string
		note        readyNote
		showMailbox bool
		want        []string
		unwanted    []string
	}{
		{name: "a first demo start says where to look and how to sign in", note: readyNote{demo: true, password: "s3cret-once"}, showMailbox: true,
			want: []string{"Roster is ready. Open http://localhost:8080/", "read it at http://localhost:8080/dev/mailbox", "TEST MODE",
				"sign in at http://localhost:8080/dashboard as james@example.com with the password s3cret-once"}},
		{name: "a later demo start says how to set the password", note: readyNote{demo: true}, showMailbox: true,
			want:     []string{"as james@example.com; to set its password run", "roster coach password --email james@example.com"},
			unwanted: []string{"with the password"}},
		{name: "without the demo there is no coach line", showMailbox: true,
			want: []string{"Roster is ready."}, unwanted: []string{"Coach:"}},
		{name: "a mailbox that is not served is not linked", showMailbox: false,
			want: []string{"kept in memory and logged"}, unwanted: []string{"/dev/mailbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tt.note.print(&out, local, tt.showMailbox)
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("lacks %q:\n%s", w, out.String())
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(out.String(), u) {
					t.Errorf("has %q:\n%s", u, out.String())
				}
			}
		})
	}
}
