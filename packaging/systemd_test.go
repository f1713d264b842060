package packaging

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unitDirectives reads a systemd unit into section.key -> values (a key
// may repeat).
func unitDirectives(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			key, value, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: line %q is not key=value", path, line)
			}
			out[section+"."+key] = append(out[section+"."+key], value)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUnitIsHardened(t *testing.T) {
	unit := unitDirectives(t, "roster.service")
	want := map[string]string{
		"Service.Type":                    "notify",
		"Service.ExecStart":               "/usr/local/bin/roster serve",
		"Service.DynamicUser":             "yes",
		"Service.StateDirectory":          "roster",
		"Service.ProtectSystem":           "strict",
		"Service.NoNewPrivileges":         "yes",
		"Service.EnvironmentFile":         "/etc/roster/roster.env",
		"Service.CapabilityBoundingSet":   "",
		"Service.RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
	}
	for key, value := range want {
		t.Run(key+"="+value, func(t *testing.T) {
			got, ok := unit[key]
			if !ok || got[len(got)-1] != value {
				t.Errorf("%s = %q, want %q", key, got, value)
			}
		})
	}
	t.Run("the database default is inside the state directory", func(t *testing.T) {
		if got := unit["Service.Environment"]; len(got) != 1 || got[0] != "DATABASE_URL=/var/lib/roster/roster.db" {
			t.Errorf("Environment = %q", got)
		}
	})
}

// TestUnitVerifies runs systemd's own checker, which names unknown keys and
// bad values (and exits 0 all the same, so any output fails the test).
func TestUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze is not installed: CI must verify the unit (apt-get install systemd)")
		}
		t.Skip("systemd-analyze is not installed; CI runs this check")
	}
	unit, err := os.ReadFile("roster.service")
	if err != nil {
		t.Fatal(err)
	}
	// verify insists that ExecStart's program exists: point it at one that does.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "roster.service")
	text := strings.ReplaceAll(string(unit), "/usr/local/bin/roster", self)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
