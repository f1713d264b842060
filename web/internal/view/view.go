// Package view renders Roster's pages: the embedded templates, parsed
// once at start-up so a broken template fails the boot, and the static
// files, served under checksum URLs.
package view

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Views holds the parsed pages and the checksums of the static files.
type Views struct {
	pages    map[string]*template.Template
	assets   map[string]string // file name -> checksum
	markdown goldmark.Markdown
	policy   *bluemonday.Policy
	testMode bool
}

// Load parses the templates; testMode puts the TEST MODE banner on every
// page while payments are simulated.
func Load(testMode bool) (*Views, error) {
	v := &Views{testMode: testMode,
		pages: map[string]*template.Template{}, assets: map[string]string{},
		markdown: goldmark.New(), policy: bluemonday.UGCPolicy(),
	}
	if err := v.hashAssets(); err != nil {
		return nil, err
	}
	// Files named *_partials.html hold {{define}}s that pages share; they
	// are parsed with the layout and are not pages themselves.
	layout, err := template.New("layout.html").Funcs(v.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/*_partials.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasSuffix(base, "_partials.html") {
			continue
		}
		page, err := template.Must(layout.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return nil, err
		}
		v.pages[base] = page
	}
	return v, nil
}

func (v *Views) hashAssets() error {
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		v.assets[path.Base(p)] = hex.EncodeToString(sum[:6])
		return nil
	})
}

func (v *Views) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":    v.assetURL,
		"markdown": v.renderMarkdown,
		"minutes":  Minutes,
		"money":    FormatMoney,
		"testMode": func() bool { return v.testMode },
	}
}

// Minutes says a length in minutes in words: "1 minute", "45 minutes".
func Minutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// assetURL returns a checksum URL for a static file, so it can be cached
// forever and still change on deploy.
func (v *Views) assetURL(name string) (string, error) {
	sum, ok := v.assets[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + sum + "/" + name, nil
}

// Markdown renders a coach's Markdown and sanitises the HTML, so a
// description can hold formatting but never script.
func (v *Views) Markdown(src string) template.HTML { return v.renderMarkdown(src) }

func (v *Views) renderMarkdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := v.markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(v.policy.SanitizeBytes(buf.Bytes()))
}

// Render writes a page inside the layout.
func (v *Views) Render(c echo.Context, status int, name string, data any) error {
	body, err := v.RenderBytes(name, data)
	if err != nil {
		return err
	}
	return c.HTMLBlob(status, body)
}

// RenderBytes renders a page inside the layout.
func (v *Views) RenderBytes(name string, data any) ([]byte, error) {
	page, ok := v.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := page.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// ServeStatic answers /static/:sum/:name with a static file, cached for a
// year: its URL changes when it does. Another checksum is not found.
func (v *Views) ServeStatic(c echo.Context) error {
	name := c.Param("name")
	if sum, ok := v.assets[name]; !ok || sum != c.Param("sum") {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	body, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	ctype := mime.TypeByExtension(path.Ext(name))
	if strings.HasPrefix(ctype, "text/") && !strings.Contains(ctype, "charset") {
		ctype += "; charset=utf-8"
	}
	return c.Blob(http.StatusOK, ctype, body)
}

// AssetURL returns the checksum URL of a static file, "/static/<sum>/<name>".
func (v *Views) AssetURL(name string) (string, error) { return v.assetURL(name) }
