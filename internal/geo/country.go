package geo

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// notISO are the codes that golang.org/x/text (following CLDR) counts as
// countries but ISO 3166-1 does not assign: exceptionally reserved codes
// (AC, CP, CQ, DG, EA, EZ, FX, IC, SU, TA, UK, UN), codes of countries that
// no longer exist (AN, BU, CS, DD, TP, YU, ZR, ...) and the user-assigned XK.
var notISO = map[string]bool{
	"AC": true, "AN": true, "BU": true, "CP": true, "CQ": true, "CS": true,
	"CT": true, "DD": true, "DG": true, "DY": true, "EA": true, "EZ": true,
	"FQ": true, "FX": true, "HV": true, "IC": true, "JT": true, "MI": true,
	"NH": true, "NQ": true, "NT": true, "PC": true, "PU": true, "PZ": true,
	"RH": true, "SU": true, "TA": true, "TP": true, "UK": true, "UN": true,
	"VD": true, "WK": true, "XK": true, "YD": true, "YU": true, "ZR": true,
}

// ValidCountry reports whether code is an officially assigned ISO 3166-1
// alpha-2 country code, such as "BR" or "MX", written in upper case. It
// rejects groupings ("EU", "UN", "419"), the unknown region "ZZ", reserved
// and withdrawn codes ("UK", "YU") and private-use codes ("XK", "QO").
func ValidCountry(code string) bool {
	if len(code) != 2 || !isUpper(code[0]) || !isUpper(code[1]) || notISO[code] {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.String() == code
}

// CountryName returns the name of the country in the language lang, for
// example CountryName("BR", language.Spanish) == "Brasil". Languages without
// names of their own fall back to the closest supported one, and to English.
// It returns "" when code is not a valid country.
func CountryName(code string, lang language.Tag) string {
	if !ValidCountry(code) {
		return ""
	}
	r := language.MustParseRegion(code)
	if n := display.Regions(lang); n != nil {
		if name := n.Name(r); name != "" {
			return name
		}
	}
	return display.Regions(language.English).Name(r)
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isUpperOrDigit(c byte) bool { return isUpper(c) || c >= '0' && c <= '9' }
