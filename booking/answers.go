package booking

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Answers are an attendee's answers to the event's registration questions,
// by question id. Stored as JSON text so the column is the same on both
// databases.
type Answers map[string]string

// Value implements driver.Valuer.
func (a Answers) Value() (driver.Value, error) {
	if a == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]string(a))
	if err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	return string(b), nil
}

// Scan implements sql.Scanner.
func (a *Answers) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*a = Answers{}
		return nil
	default:
		return fmt.Errorf("scan answers: unexpected %T", src)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("scan answers: %w", err)
	}
	*a = m
	return nil
}
