package calendar

// This file writes golang-ical's calendar model as RFC 5545 content lines.
// golang-ical v0.3.4 models a calendar well, but its own Calendar.SerializeTo
// cannot be used as is:
//
//   - It backslash-escapes parameter values (CN=Downer\, James, O\'Brien,
//     \: and \"), which RFC 5545 has no notion of; only ALTREP is ever
//     quoted. ical.js reads ATTENDEE;CN=Seán O\'Brien\: x:mailto:… as a CN
//     of "Seán O\'Brien\" and a value of " x:mailto:…": the address is lost.
//     A value holding ":", ";" or "," must be DQUOTEd instead, and DQUOTE
//     cannot appear at all.
//   - A CR in a TEXT value is written raw (ToText escapes only LF), so
//     "a\r\nb" becomes a bare CR inside the line.
//   - It folds at the last space, "<" or ">" before 75 octets, so a
//     continuation starts with the text's own space and the words survive
//     only if the reader removes exactly one space when unfolding. Folding
//     by octet count alone (between UTF-8 sequences, as it does) is
//     invisible to any unfolder.
//   - Its default line ending is a bare LF (ics.WithNewLineWindows fixes
//     that one).
//
// So the model is built with golang-ical's setters, its value types and its
// TEXT escaping (ics.ToText), and written here.

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

const (
	crlf = string(ics.WithNewLineWindows)
	// maxLineOctets is RFC 5545's limit for one line, not counting the CRLF.
	maxLineOctets = 75
)

// serialize writes cal as an iCalendar stream.
func serialize(cal *ics.Calendar) ([]byte, error) {
	var b bytes.Buffer
	writeFolded(&b, "BEGIN:VCALENDAR")
	for _, p := range cal.CalendarProperties {
		if err := writeProperty(&b, p.BaseProperty); err != nil {
			return nil, err
		}
	}
	for _, c := range cal.Components {
		if err := writeComponent(&b, c); err != nil {
			return nil, err
		}
	}
	writeFolded(&b, "END:VCALENDAR")
	return b.Bytes(), nil
}

func writeComponent(b *bytes.Buffer, c ics.Component) error {
	if _, ok := c.(*ics.VEvent); !ok {
		return fmt.Errorf("calendar: writing a %T is not supported", c)
	}
	writeFolded(b, "BEGIN:VEVENT")
	for _, p := range c.UnknownPropertiesIANAProperties() {
		if err := writeProperty(b, p.BaseProperty); err != nil {
			return err
		}
	}
	for _, sub := range c.SubComponents() {
		if err := writeComponent(b, sub); err != nil {
			return err
		}
	}
	writeFolded(b, "END:VEVENT")
	return nil
}

func writeProperty(b *bytes.Buffer, p ics.BaseProperty) error {
	line, err := contentLine(p)
	if err != nil {
		return err
	}
	writeFolded(b, line)
	return nil
}

// contentLine returns p unfolded: name, parameters in name order, value.
func contentLine(p ics.BaseProperty) (string, error) {
	var line strings.Builder
	line.WriteString(p.IANAToken)
	keys := make([]string, 0, len(p.ICalParameters))
	for key := range p.ICalParameters {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		line.WriteString(";" + key + "=")
		for i, v := range p.ICalParameters[key] {
			if i > 0 {
				line.WriteByte(',')
			}
			line.WriteString(paramValue(v))
		}
	}
	value, err := propertyValue(p)
	if err != nil {
		return "", err
	}
	line.WriteString(":" + value)
	return line.String(), nil
}

// propertyValue escapes TEXT values; other value types (dates, integers,
// URIs, mailto: addresses) are written as they are and must hold no control
// character.
func propertyValue(p ics.BaseProperty) (string, error) {
	if p.GetValueType() == ics.ValueDataTypeText {
		return ics.ToText(plainText(p.Value)), nil
	}
	if hasControl(p.Value) {
		return "", fmt.Errorf("calendar: %s value %q holds a control character", p.IANAToken, p.Value)
	}
	return p.Value, nil
}

// plainText makes every line break an LF, which ics.ToText escapes as \n,
// and drops the other control characters RFC 5545 TEXT cannot hold (HTAB
// is allowed).
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// paramValue writes v as an RFC 5545 param-value. DQUOTE and control
// characters cannot appear even in a quoted value, so quotes are dropped and
// controls (a newline in a name, say) become spaces; a value holding ":", ";"
// or "," is then DQUOTEd. There is no escaping inside parameter values.
func paramValue(v string) string {
	v = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return -1
		case r != '\t' && unicode.IsControl(r):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(v, "\uFFFD"))
	if strings.ContainsAny(v, ":;,") {
		return `"` + v + `"`
	}
	return v
}

// writeFolded writes line folded at 75 octets (RFC 5545 section 3.1): each
// continuation starts with one space, and every cut falls between UTF-8
// sequences, so no character is split across lines.
func writeFolded(b *bytes.Buffer, line string) {
	limit := maxLineOctets
	for len(line) > limit {
		cut := limit
		for !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString(crlf + " ")
		line = line[cut:]
		limit = maxLineOctets - 1 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString(crlf)
}
