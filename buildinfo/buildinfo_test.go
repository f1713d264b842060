package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	built := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/roster-app/roster", Version: "v0.1.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name          string
		bi            *debug.BuildInfo
		ok            bool
		ldVer, ldRev  string
		wantVer       string
		wantRev       string
		wantModified  bool
		wantGoVersion string
	}{
		{"version and revision come from the build information", built, true, "", "", "v0.1.0", "1a2b3c4d5e6f7a8b9c0d", true, "go1.26.8"},
		{"the linker's values win", built, true, "v0.2.0", "ffff", "v0.2.0", "ffff", false, "go1.26.8"},
		{"no build information is a devel build", nil, false, "", "", "(devel)", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromBuildInfo(tt.bi, tt.ok, tt.ldVer, tt.ldRev)
			if got.Version != tt.wantVer || got.Revision != tt.wantRev || got.Modified != tt.wantModified {
				t.Errorf("got %+v, want version %q revision %q modified %v", got, tt.wantVer, tt.wantRev, tt.wantModified)
			}
			if tt.wantGoVersion != "" && got.GoVersion != tt.wantGoVersion {
				t.Errorf("go version %q, want %q", got.GoVersion, tt.wantGoVersion)
			}
		})
	}
}

func TestUserAgentNamesRoster(t *testing.T) {
	ua := UserAgent()
	if !strings.HasPrefix(ua, "Roster/") || strings.HasSuffix(ua, "/") {
		t.Errorf("UserAgent() = %q, want Roster/<version>", ua)
	}
}
