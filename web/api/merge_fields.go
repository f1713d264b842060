package api

import (
	"errors"

	"github.com/roster-app/roster/fault"
)

// mergeRules adds to parsed (the values of a body that did not parse, and
// its unknown keys) every field the domain's rules name in rules, keeping
// parsed's message where both name one, and returns the whole as one
// fault.Invalid error: one 422 lists every mistake. A rules error that is
// not a validation failure is ignored: the request is refused anyway.
func mergeRules(parsed fault.Fields, rules error) error {
	var fe *fault.Error
	if errors.As(rules, &fe) && fe.Code == fault.Invalid {
		for field, message := range fe.Fields {
			parsed.Add(field, message)
		}
	}
	return parsed.Err()
}
