package placement

import (
	"fmt"
	"strings"
)

// enum names the values of a small enumeration (Classification, Tier,
// Health): names[v] is the name of value v, and kind what the type is
// called in texts ("tier").
type enum[T ~uint8] struct {
	kind  string
	names []string
}

// name is v's name, or kind(v) for a value outside the names.
func (e enum[T]) name(v T) string {
	if e.valid(v) {
		return e.names[v]
	}
	return fmt.Sprintf("%s(%d)", e.kind, uint8(v))
}

// valid reports whether v has a name.
func (e enum[T]) valid(v T) bool { return int(v) < len(e.names) }

// parse finds the value named s, ignoring case.
func (e enum[T]) parse(s string) (T, bool) {
	for i, n := range e.names {
		if strings.EqualFold(s, n) {
			return T(i), true
		}
	}
	return 0, false
}

// parseRequest is parse for a value a request names: a name it does not
// know is an ErrInvalidRequest that says which kind of value it is.
func (e enum[T]) parseRequest(s string) (T, error) {
	if v, ok := e.parse(s); ok {
		return v, nil
	}
	return 0, fmt.Errorf("%w: unknown %s %q", ErrInvalidRequest, e.kind, s)
}

// marshal is v's name as text (encoding.TextMarshaler), refusing a value
// outside the names.
func (e enum[T]) marshal(v T) ([]byte, error) {
	if !e.valid(v) {
		return nil, fmt.Errorf("placement: invalid %s %d", e.kind, uint8(v))
	}
	return []byte(e.names[v]), nil
}

// unmarshalText sets *dst to the value parse reads from b
// (encoding.TextUnmarshaler); a refused text leaves *dst as it was.
func unmarshalText[T any](dst *T, parse func(string) (T, error), b []byte) error {
	v, err := parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
