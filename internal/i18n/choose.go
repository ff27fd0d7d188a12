package i18n

import "strings"

// Choose is a plural message written once per language, the words that
// change with the count in braces, one|other (or one|many|other):
//
//	Choose(0, "{%d carga está|las %d cargas están} en %s", …)
//
// gives One "%d carga está en %s" and Other "las %d cargas están en %s".
// A catalog states each sentence once, so the forms cannot drift apart.
// It panics on an unbalanced brace or a group of other than 2 or 3 forms:
// messages are registered at init, so a test of the package finds it.
func Choose(arg int, es, pt, en string) Plural {
	return Plural{Arg: arg, ES: chooseForms(es), PT: chooseForms(pt), EN: chooseForms(en)}
}

func chooseForms(s string) Forms {
	var one, many, other strings.Builder
	hasMany := false
	for rest := s; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				panic("i18n: unbalanced } in plural message " + s)
			}
			one.WriteString(rest)
			many.WriteString(rest)
			other.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 || strings.IndexByte(rest[:open], '}') >= 0 {
			panic("i18n: unbalanced braces in plural message " + s)
		}
		lit, group := rest[:open], strings.Split(rest[open+1:open+end], "|")
		rest = rest[open+end+1:]
		var o, m, n string
		switch len(group) {
		case 2:
			o, m, n = group[0], group[1], group[1]
		case 3:
			o, m, n = group[0], group[1], group[2]
			hasMany = true
		default:
			panic("i18n: a plural group needs one|other or one|many|other: " + s)
		}
		one.WriteString(lit + o)
		many.WriteString(lit + m)
		other.WriteString(lit + n)
	}
	f := Forms{One: one.String(), Other: other.String()}
	if hasMany {
		f.Many = many.String()
	}
	return f
}
