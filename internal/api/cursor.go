package api

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// EncodeCursor makes an opaque cursor from the last id of a page.
func EncodeCursor(lastID string) string {
	if lastID == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("after:" + lastID))
}

// DecodeCursor reverses EncodeCursor.
func DecodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "after:") || len(b) > 200 {
		return "", Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.cursor")
	}
	return strings.TrimPrefix(string(b), "after:"), nil
}
