package bind

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/roster-app/roster/fault"
)

// maxDepth bounds how deeply a body may nest objects and lists; no request
// needs more than three levels.
const maxDepth = 32

// checkKeys walks a JSON document token by token and refuses what
// encoding/json would silently accept: a key named twice in one object
// (the decoder keeps the last) and nesting deeper than maxDepth.
func checkKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := scanValue(dec, "", 0); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Malformed("body", "must hold one JSON object", nil)
	}
	return nil
}

func scanValue(dec *json.Decoder, path string, depth int) error {
	if depth > maxDepth {
		return Malformed("body", fmt.Sprintf("nests deeper than %d levels", maxDepth), nil)
	}
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return jsonError(err)
			}
			key, _ := keyTok.(string)
			at := join(path, key)
			if seen[key] {
				return Malformed(at, "appears twice; send each key once", nil)
			}
			seen[key] = true
			if err := scanValue(dec, at, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for i := 0; dec.More(); i++ {
			if err := scanValue(dec, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return jsonError(err)
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decodeValue decodes raw into v field by field, so that one value of the
// wrong type does not hide the others: each is recorded in f under its
// JSON path (sessions[0].starts_at) and leaves v's field at its zero
// value. Keys are matched to json tags exactly; a key that differs from a
// field's only in case is refused as malformed, since encoding/json would
// quietly accept it. Keys that match no field are ignored.
func decodeValue(raw json.RawMessage, v reflect.Value, path string, f *fault.Fields) error {
	if isNull(raw) {
		return nil
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		elem := reflect.New(t.Elem())
		if err := decodeValue(raw, elem.Elem(), path, f); err != nil {
			return err
		}
		v.Set(elem)
		return nil
	case t.Kind() == reflect.Struct:
		return decodeStruct(raw, v, path, f)
	case t.Kind() == reflect.Slice && (t.Elem().Kind() == reflect.Struct || t.Elem().Kind() == reflect.Pointer):
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			if path == "" {
				return Malformed("body", "must be a JSON list", nil)
			}
			f.Add(path, "must be a list")
			return nil
		}
		out := reflect.MakeSlice(t, len(items), len(items))
		for i, item := range items {
			if err := decodeValue(item, out.Index(i), fmt.Sprintf("%s[%d]", path, i), f); err != nil {
				return err
			}
		}
		v.Set(out)
		return nil
	}
	target := reflect.New(t)
	if err := json.Unmarshal(raw, target.Interface()); err != nil {
		f.Add(orBody(path), "must be "+describeType(t))
		return nil
	}
	v.Set(target.Elem())
	return nil
}

func decodeStruct(raw json.RawMessage, v reflect.Value, path string, f *fault.Fields) error {
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil {
		if path == "" {
			return Malformed("body", "must be a JSON object", nil)
		}
		f.Add(path, "must be a JSON object")
		return nil
	}
	t := v.Type()
	byName := map[string]int{}
	for i := range t.NumField() {
		if name := jsonName(t.Field(i)); name != "" {
			byName[name] = i
		}
	}
	for key, value := range object {
		i, ok := byName[key]
		if !ok {
			for name := range byName {
				if strings.EqualFold(name, key) {
					return Malformed(join(path, key), fmt.Sprintf("is not a key; keys are case-sensitive (did you mean %q?)", name), nil)
				}
			}
			continue
		}
		if err := decodeValue(value, v.Field(i), join(path, key), f); err != nil {
			return err
		}
	}
	return nil
}

// jsonName is the key a struct field is read from, or "" for none.
func jsonName(field reflect.StructField) string {
	if !field.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return field.Name
	}
	return name
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// describeType names a Go type the way a JSON author thinks of it.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Map:
		return "a JSON object of " + strings.TrimPrefix(describeType(t.Elem()), "a ") + "s"
	case reflect.Struct:
		return "a JSON object"
	}
	return "a " + t.Kind().String()
}
