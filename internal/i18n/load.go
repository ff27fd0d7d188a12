package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Catalog files: each package that speaks to people keeps its texts in one
// embedded <pkg>/messages.json, an object of key to the three languages:
//
//	{"app.created": {"es": "…", "pt-BR": "…", "en": "…"}}
//
// and registers it at init with MustLoad. Translators edit the JSON; Go code
// only names keys.

// langField maps a catalog language code to the Text field it fills.
var langField = map[string]func(*Text) *string{
	string(ES):   func(t *Text) *string { return &t.ES },
	string(PTBR): func(t *Text) *string { return &t.PT },
	string(EN):   func(t *Text) *string { return &t.EN },
}

// MustLoad registers the catalog data read from the file name (the name only
// serves the messages). It panics at init, naming the file and key, on
// invalid JSON, a key defined twice (in the file or across packages), an
// unknown language code or a missing language.
func MustLoad(name string, data []byte) {
	if err := Load(name, data); err != nil {
		panic(err)
	}
}

// Load is MustLoad returning the error; nothing is registered on error.
func Load(name string, data []byte) error {
	msgs, err := parseCatalog(data)
	if err != nil {
		return fmt.Errorf("i18n: %s: %w", name, err)
	}
	mu.Lock()
	defer mu.Unlock()
	for k := range msgs {
		if _, dup := catalog[k]; dup {
			return fmt.Errorf("i18n: %s: duplicate message key %s", name, k)
		}
	}
	for k, v := range msgs {
		catalog[k] = v
	}
	return nil
}

// parseCatalog decodes a catalog token by token so that a key written twice
// in one file is an error rather than silently the last one.
func parseCatalog(data []byte) (map[string]Text, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("invalid JSON: want an object of messages (%v)", err)
	}
	out := map[string]Text{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		key := tok.(string) // object keys are always strings
		var langs map[string]string
		if err := dec.Decode(&langs); err != nil {
			return nil, fmt.Errorf("key %s: invalid JSON: %w", key, err)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("duplicate message key %s", key)
		}
		var t Text
		for code, s := range langs {
			field, ok := langField[code]
			if !ok {
				return nil, fmt.Errorf("key %s: unknown language %q (want es, pt-BR, en)", key, code)
			}
			*field(&t) = s
		}
		for _, l := range All {
			if _, ok := langs[string(l)]; !ok {
				return nil, fmt.Errorf("key %s: missing language %s", key, l)
			}
		}
		out[key] = t
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() || trailing(dec) {
		return nil, fmt.Errorf("invalid JSON: data after the catalog object")
	}
	return out, nil
}

func trailing(dec *json.Decoder) bool {
	var rest bytes.Buffer
	rest.ReadFrom(dec.Buffered())
	return strings.TrimSpace(rest.String()) != ""
}
