package i18n_test

import (
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

func TestLoadRegistersCatalog(t *testing.T) {
	t.Parallel()
	err := i18n.Load("test/ok.json", []byte(`{"test.load.ok": {"es": "%d hola <b> & «x»", "pt-BR": "%d olá", "en": "%d hello"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := i18n.T(i18n.ES, "test.load.ok", 1000); got != "1.000 hola <b> & «x»" {
		t.Errorf("es: %q", got)
	}
	if got := i18n.T(i18n.PTBR, "test.load.ok", 2); got != "2 olá" {
		t.Errorf("pt-BR: %q", got)
	}
}

func TestLoadRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ json, want string }{
		"bad json":      {`{"test.load.bad": {"es": "x",}`, "test/bad.json: "},
		"not an object": {`["x"]`, "want an object"},
		"trailing data": {`{} {}`, "data after"},
		"missing lang":  {`{"test.load.miss": {"es": "a", "en": "b"}}`, "key test.load.miss: missing language pt-BR"},
		"unknown lang":  {`{"test.load.unk": {"es": "a", "pt-BR": "b", "en": "c", "fr": "d"}}`, `key test.load.unk: unknown language "fr"`},
		"twice in file": {`{"test.load.two": {"es": "a", "pt-BR": "b", "en": "c"}, "test.load.two": {"es": "a", "pt-BR": "b", "en": "c"}}`, "duplicate message key test.load.two"},
	}
	for name, c := range cases {
		err := i18n.Load("test/bad.json", []byte(c.json))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "test/bad.json") {
			t.Errorf("%s: err = %v, want it to name the file and contain %q", name, err, c.want)
		}
	}
	if got := i18n.T(i18n.EN, "test.load.miss"); got != "test.load.miss" {
		t.Errorf("a rejected catalog registered its keys: %q", got)
	}
}

func TestMustLoadPanicsOnKeyOfAnotherPackage(t *testing.T) {
	t.Parallel()
	i18n.Add(map[string]i18n.Text{"test.load.taken": {ES: "a", PT: "b", EN: "c"}})
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(error).Error(), "other/messages.json: duplicate message key test.load.taken") {
			t.Errorf("recover() = %v", r)
		}
	}()
	i18n.MustLoad("other/messages.json", []byte(`{"test.load.taken": {"es": "x", "pt-BR": "y", "en": "z"}}`))
}
