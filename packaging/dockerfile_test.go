package packaging

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

// goBuildWords returns the words of the first command in text (joined
// across backslash-continued lines) that runs "go build", split as a shell
// would split them (double quotes group), with the -o destination dropped:
// the image writes to /out, a person to the working directory.
func goBuildWords(t *testing.T, path string, lineFilter func(string) bool) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var joined []string
	var current strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(line, `\`) {
			current.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		current.WriteString(line)
		joined = append(joined, current.String())
		current.Reset()
	}
	for _, line := range joined {
		if strings.Contains(line, "go build") && lineFilter(line) {
			words := shellWords(line)
			if i := slices.Index(words, "-o"); i >= 0 && i+1 < len(words) {
				words = slices.Delete(words, i, i+2)
			}
			start := slices.IndexFunc(words, func(w string) bool { return strings.HasPrefix(w, "CGO_ENABLED=") })
			if start < 0 {
				t.Fatalf("%s: the go build command does not set CGO_ENABLED: %q", path, line)
			}
			return words[start:]
		}
	}
	t.Fatalf("%s has no go build command", path)
	return nil
}

// shellWords splits s on blanks outside double quotes, removing the quotes.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	inQuotes, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQuotes, inWord = !inQuotes, true
		case (r == ' ' || r == '\t') && !inQuotes:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func TestDockerfileBuildsAsTheREADMESays(t *testing.T) {
	image := goBuildWords(t, "../Dockerfile", func(line string) bool { return strings.HasPrefix(line, "RUN ") })
	readme := goBuildWords(t, "../README.md", func(line string) bool { return strings.HasPrefix(line, "    ") })
	if !slices.Equal(image, readme) {
		t.Errorf("the Dockerfile builds with\n  %q\nthe README documents\n  %q", image, readme)
	}
	if image[0] != "CGO_ENABLED=0" {
		t.Errorf("the image's binary must be static: %q", image[0])
	}
}

func TestDockerfileRunsAsNonRootWithADataVolume(t *testing.T) {
	raw, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var final []string // instructions of the last stage
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "FROM ") {
			final = nil
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			final = append(final, line)
		}
	}
	has := func(prefix string) bool {
		return slices.ContainsFunc(final, func(l string) bool { return strings.HasPrefix(l, prefix) })
	}
	for _, want := range []string{"FROM gcr.io/distroless/static", "USER 65532:65532", "VOLUME /data", "ENV DATABASE_URL=/data/roster.db"} {
		if !has(want) {
			t.Errorf("the final stage lacks %q", want)
		}
	}
}
