package api

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
)

// cursorID is what a cursor may carry: an object id or a sequence number.
var cursorID = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)

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
	if err != nil || !strings.HasPrefix(string(b), "after:") || !cursorID.MatchString(string(b[len("after:"):])) {
		return "", Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.cursor")
	}
	return strings.TrimPrefix(string(b), "after:"), nil
}
