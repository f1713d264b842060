package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// fetch sends one request and reads the whole answer, so the connection
// goes back to the pool for the next request. It returns the status and,
// when keep is set, the body. token, if set, is sent as a bearer token.
func fetch(ctx context.Context, c *http.Client, method, target, token string, body []byte, keep bool) (int, []byte, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if !keep {
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil, err
	}
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// callJSON sends in (if not nil) as JSON and decodes the answer into out
// (if not nil). It returns an error, quoting the start of the body, when
// the status is not want.
func callJSON(ctx context.Context, c *http.Client, method, target, token string, in any, want int, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	status, raw, err := fetch(ctx, c, method, target, token, body, true)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	if status != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, target, status, want, snippet(raw))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, target, err)
		}
	}
	return nil
}

// errorCode returns the code of a JSON error answer
// ({"error": {"code": …}}), or "" if body is not one.
func errorCode(body []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Error.Code
}

// snippet is the start of a body, for error messages.
func snippet(b []byte) string {
	const max = 300
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
