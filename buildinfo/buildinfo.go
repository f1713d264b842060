// Package buildinfo says which build of Roster is running: the version and
// the VCS revision it was built from. Both come from the Go toolchain's
// build information (debug.ReadBuildInfo) unless a release build sets them
// with the linker:
//
//	go build -ldflags "-X github.com/roster-app/roster/buildinfo.version=v0.2.0 \
//	    -X github.com/roster-app/roster/buildinfo.revision=$(git rev-parse HEAD)" ./cmd/roster
//
// Nothing here does I/O; every function is safe for concurrent use.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Set with -ldflags -X; empty means "ask the build information".
var (
	version  string
	revision string
)

// Info is what is known about the running build.
type Info struct {
	Version   string // module version ("v0.2.0"), or "(devel)" for a build from a working tree
	Revision  string // VCS revision (a full commit hash), or "" when unknown
	Modified  bool   // the working tree had uncommitted changes at build time
	GoVersion string // the toolchain that built the binary ("go1.26.8")
}

var read = sync.OnceValue(func() Info {
	bi, ok := debug.ReadBuildInfo()
	return fromBuildInfo(bi, ok, version, revision)
})

// fromBuildInfo merges what the linker set (which wins) with what the Go
// toolchain recorded.
func fromBuildInfo(bi *debug.BuildInfo, ok bool, ldVersion, ldRevision string) Info {
	info := Info{Version: "(devel)", GoVersion: runtime.Version()}
	if ok && bi != nil {
		if v := bi.Main.Version; v != "" {
			info.Version = v
		}
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if ldVersion != "" {
		info.Version = ldVersion
	}
	if ldRevision != "" {
		info.Revision = ldRevision
		info.Modified = false
	}
	return info
}

// Read returns the running build's information.
func Read() Info { return read() }

// Version returns the running build's version, "(devel)" if unknown.
func Version() string { return read().Version }

// Revision returns the VCS revision the binary was built from, shortened to
// 12 characters and suffixed with "-dirty" when the tree had uncommitted
// changes; "" when unknown.
func Revision() string {
	info := read()
	rev := info.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && info.Modified {
		rev += "-dirty"
	}
	return rev
}

// UserAgent returns the User-Agent outgoing HTTP requests carry, such as
// "Roster/v0.2.0 (+rev 1a2b3c4d5e6f)". Servers Roster calls (busy feeds,
// Stripe) can tell versions apart in their logs.
func UserAgent() string {
	ua := "Roster/" + strings.TrimPrefix(Version(), "(devel)")
	if strings.HasSuffix(ua, "/") {
		ua += "devel"
	}
	if rev := Revision(); rev != "" {
		ua += " (+rev " + rev + ")"
	}
	return ua
}

// String returns one line for `roster version`:
// "roster v0.2.0 (revision 1a2b3c4d5e6f, go1.26.8)".
func (i Info) String() string {
	rev := i.Revision
	if rev == "" {
		rev = "unknown"
	}
	if i.Modified {
		rev += ", modified"
	}
	return "roster " + i.Version + " (revision " + rev + ", " + i.GoVersion + ")"
}
