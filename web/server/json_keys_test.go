package server_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/roster-app/roster/docs"
)

// snakeCase is the API's one naming rule for JSON keys (issue #13).
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// freeFormKeys are objects whose keys are data, not names the API chose:
// a booking's answers are keyed by question.
var freeFormKeys = map[string]bool{"answers": true, "fields": true}

// checkSnakeCase fails t when a JSON response from /api/v1 has a key that
// is not snake_case. env.do and sweepEnv.request call it on every
// response, so every route a test reaches is checked with real data.
func checkSnakeCase(t *testing.T, what, path, contentType, body string) {
	t.Helper()
	if !strings.HasPrefix(path, "/api/v1/") || !strings.HasPrefix(contentType, "application/json") {
		return
	}
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Errorf("%s: the JSON response does not parse: %v", what, err)
		return
	}
	if bad := notSnakeCase(doc, ""); len(bad) > 0 {
		t.Errorf("%s answers keys that are not snake_case: %v", what, bad)
	}
}

// checkAgainstSpec fails t when an /api/v1 response disagrees with
// docs/openapi.yaml (its status, content type or body schema).
func checkAgainstSpec(t *testing.T, method, path string, status int, contentType, body string) {
	t.Helper()
	if !strings.HasPrefix(path, "/api/v1/") {
		return
	}
	if err := docs.ValidateResponse(method, path, status, contentType, []byte(body)); err != nil {
		t.Error(err)
	}
}

func notSnakeCase(v any, at string) []string {
	var bad []string
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !snakeCase.MatchString(k) {
				bad = append(bad, at+k)
			}
			if !freeFormKeys[k] {
				bad = append(bad, notSnakeCase(v[k], at+k+".")...)
			}
		}
	case []any:
		for _, item := range v {
			bad = append(bad, notSnakeCase(item, at+"[].")...)
		}
	}
	return bad
}

func TestNotSnakeCase(t *testing.T) {
	doc := map[string]any{"id": 1, "OfferExpiresAt": nil, "sessions": []any{map[string]any{"startsAt": 1, "seats_left": 2}},
		"answers": map[string]any{"Any Key": "x"}}
	got := strings.Join(notSnakeCase(doc, ""), " ")
	if got != "OfferExpiresAt sessions.[].startsAt" {
		t.Errorf("notSnakeCase = %q", got)
	}
}
