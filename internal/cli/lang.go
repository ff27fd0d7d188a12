package cli

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/text/language"

	"github.com/soberana/soberana/internal/i18n"
)

// langMatcher matches a person's language to the three the product speaks.
var langMatcher = language.NewMatcher([]language.Tag{language.Spanish, language.BrazilianPortuguese, language.English})

// supportedLangs is the list an unsupported --lang is refused with.
const supportedLangs = "es, pt-BR, en"

// posixLocale turns a POSIX locale name (language[_territory][.codeset][@modifier],
// as in LANG, LC_ALL and LC_MESSAGES) into a BCP 47 tag: es_MX.UTF-8 → es-MX,
// pt_BR.UTF-8 → pt-BR; the C and POSIX locales are English. A value that is
// already BCP 47 (pt-BR) passes through.
func posixLocale(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	if s == "C" || s == "POSIX" {
		return "en"
	}
	return strings.ReplaceAll(s, "_", "-")
}

// matchLang returns the supported language closest to tag, and whether the
// match is good enough to be called that language (fr is not Spanish).
func matchLang(tag string) (i18n.Lang, bool) {
	t, err := language.Parse(tag)
	if err != nil {
		return i18n.Default, false
	}
	_, idx, conf := langMatcher.Match(t)
	if conf < language.High {
		return i18n.Default, false
	}
	return i18n.All[idx], true
}

// envLang is the language of the environment: the first set of LC_ALL,
// LC_MESSAGES and LANG (POSIX precedence); a locale the product does not
// speak, or none, gives the product's default.
func envLang(getenv func(string) string) i18n.Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			l, _ := matchLang(posixLocale(v))
			return l
		}
	}
	return i18n.Default
}

// resolveLang applies the precedence --lang > LC_ALL > LC_MESSAGES > LANG.
// An explicit --lang the product does not speak is refused (a usage error
// in the environment's language) with the list of supported ones.
func resolveLang(flag string, getenv func(string) string) (i18n.Lang, error) {
	env := envLang(getenv)
	if strings.TrimSpace(flag) == "" {
		return env, nil
	}
	l, ok := matchLang(posixLocale(flag))
	if !ok {
		return env, usageErr(errors.New(i18n.T(env, "cli.err.lang", flag, supportedLangs)))
	}
	return l, nil
}

// scanLang finds --lang in the raw arguments, before cobra parses them, so
// that help text is built in the right language.
func scanLang(args []string) string {
	for i, a := range args {
		switch {
		case a == "--":
			return ""
		case a == "--lang" && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "--lang="):
			return strings.TrimPrefix(a, "--lang=")
		}
	}
	return ""
}

// language is the language of everything the CLI writes.
func (g *globals) language() i18n.Lang {
	if g.lng != "" {
		return g.lng
	}
	l, _ := resolveLang(g.lang, g.getenv)
	return l
}

// tr translates a message in the language of the command's tree.
func (g *globals) tr(key string, args ...any) string { return i18n.T(g.language(), key, args...) }

// localizeHelp translates the short descriptions, flag usages and the
// usage template of the tree into lang; commands without a translation
// keep their English text.
func localizeHelp(root *cobra.Command, lang i18n.Lang) {
	repl := strings.NewReplacer(
		"Usage:", i18n.T(lang, "cli.help.usage"),
		"Aliases:", i18n.T(lang, "cli.help.aliases"),
		"Examples:", i18n.T(lang, "cli.help.examples"),
		"Available Commands:", i18n.T(lang, "cli.help.commands"),
		"Additional Commands:", i18n.T(lang, "cli.help.more_commands"),
		"Global Flags:", i18n.T(lang, "cli.help.global_flags"),
		"Flags:", i18n.T(lang, "cli.help.flags"),
		"Additional help topics:", i18n.T(lang, "cli.help.topics"),
		`Use "{{.CommandPath}} [command] --help" for more information about a command.`, i18n.T(lang, "cli.help.more"),
		"[flags]", i18n.T(lang, "cli.help.flags_arg"),
		"[command]", i18n.T(lang, "cli.help.command_arg"),
	)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.SetUsageTemplate(repl.Replace(root.UsageTemplate()))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), root.Name())
		path = strings.TrimSpace(path)
		if path == "" {
			path = "root"
		}
		if key := "cli.short." + strings.ReplaceAll(path, " ", "."); hasKey(key) {
			c.Short = i18n.T(lang, key)
		}
		c.InitDefaultHelpFlag()
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = i18n.T(lang, "cli.flag.help", c.Name())
		}
		for _, c := range c.Commands() {
			walk(c)
		}
	}
	walk(root)
	pf := root.PersistentFlags()
	for _, name := range []string{"server", "token", "output", "lang", "timeout"} {
		if f := pf.Lookup(name); f != nil {
			f.Usage = i18n.T(lang, "cli.flag."+name)
		}
	}
}

func hasKey(key string) bool { return i18n.T(i18n.EN, key) != key }
