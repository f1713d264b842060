package calendar

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// zoneResolver turns the TZIDs of one feed into locations, once each.
type zoneResolver struct {
	host  *time.Location
	hints map[string]string // TZID -> IANA name from its VTIMEZONE's X-LIC-LOCATION
	cache map[string]*time.Location
}

func newZoneResolver(host *time.Location, hints map[string]string) *zoneResolver {
	return &zoneResolver{host: host, hints: hints, cache: make(map[string]*time.Location)}
}

// resolve returns the location of a TZID, trying in turn:
//
//  1. the TZID as an IANA name ("America/New_York", as Google and iCloud
//     write them);
//  2. the Windows zone names Outlook and Office 365 write ("GMT Standard
//     Time", "Eastern Standard Time", and a few display names such as
//     "(UTC-05:00) Eastern Time (US & Canada)"), mapped by windowsZones;
//  3. the X-LIC-LOCATION of the feed's VTIMEZONE with that TZID, if it is an
//     IANA name (Thunderbird, some CalDAV servers);
//  4. the IANA name at the end of a prefixed TZID such as
//     "/mozilla.org/20050126_1/Europe/London";
//  5. otherwise the coach's own zone, which is also the zone of a floating
//     time (no TZID).
//
// The rules inside a VTIMEZONE are not read: the names above cover the
// feeds of Google, Outlook and iCloud, and a wrong guess costs at most a
// busy time shifted by the difference between two zones.
func (z *zoneResolver) resolve(tzid string) *time.Location {
	tzid = strings.TrimSpace(tzid)
	if tzid == "" {
		return z.host
	}
	if loc, ok := z.cache[tzid]; ok {
		return loc
	}
	loc := z.lookup(tzid)
	z.cache[tzid] = loc
	return loc
}

func (z *zoneResolver) lookup(tzid string) *time.Location {
	candidates := []string{tzid, windowsZones[tzid], z.hints[tzid]}
	for rest := tzid; ; {
		_, after, found := strings.Cut(rest, "/")
		if !found {
			break
		}
		candidates = append(candidates, after)
		rest = after
	}
	for _, name := range candidates {
		if loc := ianaLocation(name); loc != nil {
			return loc
		}
	}
	return z.host
}

// ianaLocation loads an IANA zone, or returns nil. "Local" is refused: it
// would be the server's zone, not anyone's calendar.
func ianaLocation(name string) *time.Location {
	if name == "" || name == "Local" {
		return nil
	}
	if strings.EqualFold(name, "UTC") || strings.EqualFold(name, "GMT") {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// zoneHints collects the X-LIC-LOCATION of each VTIMEZONE by its TZID.
func zoneHints(cal *ics.Calendar) map[string]string {
	hints := make(map[string]string)
	for _, component := range cal.Components {
		tz, ok := component.(*ics.VTimezone)
		if !ok {
			continue
		}
		tzid, location := valueOf(&tz.ComponentBase, "TZID"), valueOf(&tz.ComponentBase, "X-LIC-LOCATION")
		if tzid != "" && location != "" {
			hints[tzid] = location
		}
	}
	return hints
}

// windowsZones maps the Windows zone names Outlook writes as TZIDs to IANA
// zones, after the Unicode CLDR windowsZones table (territory "001"), for
// the zones coaches are most likely to be in.
var windowsZones = map[string]string{
	"UTC":                             "UTC",
	"GMT Standard Time":               "Europe/London",
	"Greenwich Standard Time":         "Atlantic/Reykjavik",
	"W. Europe Standard Time":         "Europe/Berlin",
	"Romance Standard Time":           "Europe/Paris",
	"Central Europe Standard Time":    "Europe/Budapest",
	"Central European Standard Time":  "Europe/Warsaw",
	"E. Europe Standard Time":         "Europe/Chisinau",
	"FLE Standard Time":               "Europe/Kiev",
	"GTB Standard Time":               "Europe/Bucharest",
	"Russian Standard Time":           "Europe/Moscow",
	"Turkey Standard Time":            "Europe/Istanbul",
	"Israel Standard Time":            "Asia/Jerusalem",
	"Egypt Standard Time":             "Africa/Cairo",
	"South Africa Standard Time":      "Africa/Johannesburg",
	"W. Central Africa Standard Time": "Africa/Lagos",
	"E. Africa Standard Time":         "Africa/Nairobi",
	"Morocco Standard Time":           "Africa/Casablanca",
	"Arabian Standard Time":           "Asia/Dubai",
	"Arab Standard Time":              "Asia/Riyadh",
	"Pakistan Standard Time":          "Asia/Karachi",
	"India Standard Time":             "Asia/Kolkata",
	"Bangladesh Standard Time":        "Asia/Dhaka",
	"SE Asia Standard Time":           "Asia/Bangkok",
	"Singapore Standard Time":         "Asia/Singapore",
	"China Standard Time":             "Asia/Shanghai",
	"Taipei Standard Time":            "Asia/Taipei",
	"Tokyo Standard Time":             "Asia/Tokyo",
	"Korea Standard Time":             "Asia/Seoul",
	"W. Australia Standard Time":      "Australia/Perth",
	"Cen. Australia Standard Time":    "Australia/Adelaide",
	"AUS Central Standard Time":       "Australia/Darwin",
	"E. Australia Standard Time":      "Australia/Brisbane",
	"AUS Eastern Standard Time":       "Australia/Sydney",
	"New Zealand Standard Time":       "Pacific/Auckland",
	"Hawaiian Standard Time":          "Pacific/Honolulu",
	"Alaskan Standard Time":           "America/Anchorage",
	"Pacific Standard Time":           "America/Los_Angeles",
	"US Mountain Standard Time":       "America/Phoenix",
	"Mountain Standard Time":          "America/Denver",
	"Central Standard Time":           "America/Chicago",
	"Central Standard Time (Mexico)":  "America/Mexico_City",
	"Canada Central Standard Time":    "America/Regina",
	"Eastern Standard Time":           "America/New_York",
	"SA Pacific Standard Time":        "America/Bogota",
	"Atlantic Standard Time":          "America/Halifax",
	"Newfoundland Standard Time":      "America/St_Johns",
	"Pacific SA Standard Time":        "America/Santiago",
	"E. South America Standard Time":  "America/Sao_Paulo",
	"Argentina Standard Time":         "America/Argentina/Buenos_Aires",

	// Older Outlook versions write the display name instead.
	"(UTC) Coordinated Universal Time":                             "UTC",
	"(UTC+00:00) Dublin, Edinburgh, Lisbon, London":                "Europe/London",
	"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Berlin",
	"(UTC+01:00) Brussels, Copenhagen, Madrid, Paris":              "Europe/Paris",
	"(UTC-05:00) Eastern Time (US & Canada)":                       "America/New_York",
	"(UTC-06:00) Central Time (US & Canada)":                       "America/Chicago",
	"(UTC-07:00) Mountain Time (US & Canada)":                      "America/Denver",
	"(UTC-08:00) Pacific Time (US & Canada)":                       "America/Los_Angeles",
	"(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi":              "Asia/Kolkata",
	"(UTC+10:00) Canberra, Melbourne, Sydney":                      "Australia/Sydney",
}
