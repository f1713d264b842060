package main

import (
	"context"
	"strings"
	"testing"
)

func TestVersionPrintsOneLine(t *testing.T) {
	m, stdout, _ := newMain(nil)
	if err := m.Run(context.Background(), []string{"version"}); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	if !strings.HasPrefix(out, "roster ") || strings.Count(out, "\n") != 1 || !strings.Contains(out, "go1.") {
		t.Errorf("version printed %q, want one line naming roster and the Go version", out)
	}
}
