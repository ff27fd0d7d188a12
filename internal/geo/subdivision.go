package geo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalidSubdivision is wrapped by every error ValidSubdivision returns.
var ErrInvalidSubdivision = errors.New("invalid ISO 3166-2 subdivision code")

// Subdivision is an ISO 3166-2 subdivision: a state, province, region,
// department or district of a country.
type Subdivision struct {
	Code     string `json:"code"`     // e.g. "BR-SP"
	Name     string `json:"name"`     // in the country's language, e.g. "São Paulo"
	Category string `json:"category"` // ISO's, in English: "state", "region", ...
}

var (
	subdivisionByCode = make(map[string]Subdivision, len(subdivisions))
	// subdivisionsOf holds, per country in the table, its subdivisions in
	// table order.
	subdivisionsOf = make(map[string][]Subdivision)
)

func init() {
	for _, s := range subdivisions {
		subdivisionByCode[s.Code] = s
		cc := s.Code[:2]
		subdivisionsOf[cc] = append(subdivisionsOf[cc], s)
	}
}

// Subdivisions returns the full ISO 3166-2 list for country, or nil when the
// package has no list for it (then ValidSubdivision checks the format only).
// The caller may modify the returned slice.
func Subdivisions(country string) []Subdivision {
	return slices.Clone(subdivisionsOf[country])
}

// ValidSubdivision reports whether code is an ISO 3166-2 subdivision code;
// when it is not, the error (which wraps ErrInvalidSubdivision) says why.
// ok is always err == nil.
//
// A code is the ISO 3166-1 alpha-2 code of a country, "-", and one to three
// upper-case letters or digits. For the countries that Subdivisions lists,
// the code must also be on that list: "BR-SP" is valid, "BR-XX" is not. For
// other countries any code of that form is accepted.
func ValidSubdivision(code string) (ok bool, err error) {
	if err := checkSubdivision(code); err != nil {
		return false, err
	}
	return true, nil
}

func checkSubdivision(code string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidSubdivision, code, fmt.Sprintf(format, args...))
	}
	if code == "" {
		return fail("code is empty")
	}
	cc, local, found := strings.Cut(code, "-")
	if !found || len(cc) != 2 || len(local) < 1 || len(local) > 3 {
		return fail(`want a country code, "-" and 1 to 3 letters or digits, such as "BR-SP"`)
	}
	if !ValidCountry(cc) {
		if strings.ToUpper(cc) != cc || strings.ToUpper(local) != local {
			return fail("codes are upper case")
		}
		return fail("%q is not an ISO 3166-1 country code", cc)
	}
	for i := range len(local) {
		if !isUpperOrDigit(local[i]) {
			if strings.ToUpper(local) != local {
				return fail("codes are upper case")
			}
			return fail("want 1 to 3 upper-case letters or digits after %q", cc+"-")
		}
	}
	if list, known := subdivisionsOf[cc]; known {
		if _, ok := subdivisionByCode[code]; !ok {
			return fail("not one of the %d ISO 3166-2 subdivisions of %s", len(list), cc)
		}
	}
	return nil
}

// SubdivisionCountry returns the country part of a valid subdivision code
// ("BR" for "BR-SP"), or "" when code is not valid.
func SubdivisionCountry(code string) string {
	if checkSubdivision(code) != nil {
		return ""
	}
	return code[:2]
}

// SubdivisionName returns the ISO name of a subdivision ("São Paulo" for
// "BR-SP"), or "" when the code is not on the package's lists.
func SubdivisionName(code string) string {
	return subdivisionByCode[code].Name
}
