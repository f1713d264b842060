package bind

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
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
// value. Every struct is read this way wherever it sits (a field, a list
// item, a map value, behind a pointer), so the rules below hold at every
// depth: keys are matched to json tags exactly, and a key that differs
// from a field's only in case is refused as malformed, since encoding/json
// would quietly accept it; a key that matches no field is recorded in f as
// "is not a field of this request". A type that reads itself
// (json.Unmarshaler, encoding.TextUnmarshaler) is left to encoding/json.
func decodeValue(raw json.RawMessage, v reflect.Value, path string, f *fault.Fields) error {
	if isNull(raw) {
		return nil
	}
	t := v.Type()
	if !walks(t) {
		target := reflect.New(t)
		if err := json.Unmarshal(raw, target.Interface()); err != nil {
			f.Add(orBody(path), "must be "+describeType(t))
			return nil
		}
		v.Set(target.Elem())
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := reflect.New(t.Elem())
		before := len(*f)
		if err := decodeValue(raw, elem.Elem(), path, f); err != nil {
			return err
		}
		if len(*f) == before { // a value with errors stays unset, as encoding/json leaves it
			v.Set(elem)
		}
		return nil
	case reflect.Slice:
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
	case reflect.Map:
		var values map[string]json.RawMessage
		if err := json.Unmarshal(raw, &values); err != nil {
			f.Add(orBody(path), "must be a JSON object")
			return nil
		}
		out := reflect.MakeMapWithSize(t, len(values))
		for key, value := range values {
			elem := reflect.New(t.Elem()).Elem()
			if err := decodeValue(value, elem, join(path, key), f); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
		}
		v.Set(out)
		return nil
	}
	return decodeStruct(raw, v, path, f)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walks reports whether decodeValue reads values of t itself: structs, and
// pointers, lists and string-keyed maps that lead to one. Other values,
// and types that read themselves, go to encoding/json whole.
func walks(t reflect.Type) bool {
	if t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) ||
		reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return false
	}
	switch t.Kind() {
	case reflect.Struct:
		return true
	case reflect.Pointer, reflect.Slice:
		return walks(t.Elem())
	case reflect.Map:
		return t.Key().Kind() == reflect.String && walks(t.Elem())
	}
	return false
}

// NotAField is what an unknown key of a request body is told.
const NotAField = "is not a field of this request"

func decodeStruct(raw json.RawMessage, v reflect.Value, path string, f *fault.Fields) error {
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil {
		if path == "" {
			return Malformed("body", "must be a JSON object", nil)
		}
		f.Add(path, "must be a JSON object")
		return nil
	}
	byName := map[string][]int{}
	collectFields(v.Type(), nil, byName)
	keys := make([]string, 0, len(object))
	for key := range object {
		keys = append(keys, key)
	}
	slices.Sort(keys) // the same body is answered the same way every time
	for _, key := range keys {
		index, ok := byName[key]
		if !ok {
			for name := range byName {
				if strings.EqualFold(name, key) {
					return Malformed(join(path, key), fmt.Sprintf("is not a key; keys are case-sensitive (did you mean %q?)", name), nil)
				}
			}
			f.Add(join(path, key), NotAField)
			continue
		}
		if err := decodeValue(object[key], v.FieldByIndex(index), join(path, key), f); err != nil {
			return err
		}
	}
	return nil
}

// collectFields maps each key of struct t to its field's index, promoting
// the fields of an embedded struct without a json name as encoding/json
// does (an outer field wins over a promoted one of the same name).
func collectFields(t reflect.Type, prefix []int, byName map[string][]int) {
	var embedded []reflect.StructField
	for i := range t.NumField() {
		field := t.Field(i)
		index := append(slices.Clone(prefix), i)
		if field.Anonymous && field.Type.Kind() == reflect.Struct && field.Tag.Get("json") == "" {
			field.Index = index
			embedded = append(embedded, field)
			continue
		}
		if name := jsonName(field); name != "" {
			byName[name] = index
		}
	}
	for _, field := range embedded {
		inner := map[string][]int{}
		collectFields(field.Type, field.Index, inner)
		for name, index := range inner {
			if _, taken := byName[name]; !taken {
				byName[name] = index
			}
		}
	}
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
