package terraform

import (
	"os"
	"strings"
	"sync"

	"github.com/soberana/soberana/internal/i18n"
)

// The provider speaks the API's languages (es, pt-BR, en). Plan-time
// validation runs before the provider is configured (Terraform validates
// the provider block first, then every resource, in the same plugin
// process), so the language chosen in the provider block is remembered
// here by ValidateConfig and Configure, and validators read it.
var (
	langMu     sync.RWMutex
	chosenLang i18n.Lang
)

func setProviderLang(l i18n.Lang) {
	langMu.Lock()
	chosenLang = l
	langMu.Unlock()
}

// providerLang is the language of every message the provider writes:
// the provider block's lang, else $SOBERANA_LANG, else the POSIX locale
// ($LC_ALL, $LC_MESSAGES, $LANG, in the order POSIX gives them), else en.
func providerLang() i18n.Lang {
	langMu.RLock()
	l := chosenLang
	langMu.RUnlock()
	if l != "" {
		return l
	}
	return envLang()
}

func envLang() i18n.Lang {
	for _, v := range []string{"SOBERANA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if l, ok := parseLang(os.Getenv(v)); ok {
			return l
		}
	}
	return i18n.EN
}

// parseLang maps a BCP 47 tag ("pt-BR") or a POSIX locale
// ("pt_BR.UTF-8", "es_CL@euro") to a supported language. "C", "POSIX",
// an empty value and unsupported languages ("fr_FR") are not a choice.
func parseLang(s string) (i18n.Lang, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	base, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	switch strings.ToLower(base) {
	case "es":
		return i18n.ES, true
	case "pt":
		return i18n.PTBR, true
	case "en":
		return i18n.EN, true
	}
	return "", false
}
