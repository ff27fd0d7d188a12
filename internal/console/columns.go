package console

// column is one header cell of a list table, as the "thead" partial
// (templates/partials.html) draws it.
type column struct {
	Key string // message key of the heading, or the heading itself when Lit
	Num bool   // numbers: right-aligned (class "num")
	SR  bool   // heading only for screen readers (an actions column)
	Lit bool   // Key is shown as is, untranslated (a symbol such as "#")
}

// columns reads the list pages' header specs: message keys in order, each
// optionally preceded by the words "num", "sr" or "lit" that mark it;
// a []string (from "when") counts as its words in place.
// The keys stay quoted one by one in the templates, so TestTemplateKeysExist
// still checks them.
func columns(spec ...any) []column {
	var words []string
	for _, s := range spec {
		switch s := s.(type) {
		case string:
			words = append(words, s)
		case []string:
			words = append(words, s...)
		}
	}
	var cols []column
	var c column
	for _, s := range words {
		switch s {
		case "num":
			c.Num = true
		case "sr":
			c.SR = true
		case "lit":
			c.Lit = true
		default:
			c.Key = s
			cols = append(cols, c)
			c = column{}
		}
	}
	return cols
}

// when is the words s if ok, else none: a column only some data shows.
func when(ok bool, s ...string) []string {
	if ok {
		return s
	}
	return nil
}
