package pagecache_test

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/internal/pagecache"
)

func TestPage(t *testing.T) {
	render := func(title, token string) []byte {
		return []byte(`<h1>` + title + `</h1><input name="form_token" value="` + token + `"><p>end</p>`)
	}
	t.Run("each response gets its own value in the hole", func(t *testing.T) {
		marker := pagecache.NewMarker()
		page, ok := pagecache.Cut(render("Lab", marker), marker)
		if !ok {
			t.Fatal("the marker was not found once")
		}
		for _, token := range []string{"first-token", "second-token"} {
			var got bytes.Buffer
			if err := page.Write(&got, token); err != nil {
				t.Fatal(err)
			}
			if want := render("Lab", token); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("got %s, want %s", got.Bytes(), want)
			}
			if page.Size(token) != got.Len() {
				t.Errorf("Size %d, wrote %d bytes", page.Size(token), got.Len())
			}
		}
	})
	t.Run("a page that holds the marker twice is refused", func(t *testing.T) {
		// The old fixed placeholder, as a title, took the token's place.
		marker := pagecache.NewMarker()
		if _, ok := pagecache.Cut(render(marker, marker), marker); ok {
			t.Error("a page with the marker in its title and its form was cut")
		}
	})
	t.Run("a page without the marker is refused", func(t *testing.T) {
		if _, ok := pagecache.Cut(render("Lab", "token"), pagecache.NewMarker()); ok {
			t.Error("a page without the marker was cut")
		}
		if _, ok := pagecache.Cut(render("Lab", "token"), ""); ok {
			t.Error("an empty marker was accepted")
		}
	})
	t.Run("markers are new each time and need no escaping", func(t *testing.T) {
		a, b := pagecache.NewMarker(), pagecache.NewMarker()
		if a == b || len(a) < 22 {
			t.Errorf("markers %q and %q: want two different ones of at least 128 bits", a, b)
		}
		if template.HTMLEscapeString(a) != a || strings.ContainsAny(a, `"'<>&`) {
			t.Errorf("marker %q changes when escaped for HTML", a)
		}
	})
}
