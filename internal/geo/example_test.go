package geo_test

import (
	"fmt"

	"golang.org/x/text/language"

	"github.com/soberana/soberana/internal/geo"
)

func ExampleValidSubdivision() {
	for _, code := range []string{"MX-NLE", "MX-DIF", "US-CA"} {
		ok, err := geo.ValidSubdivision(code)
		fmt.Println(code, ok, err)
	}
	fmt.Println(geo.SubdivisionName("MX-NLE"), geo.SubdivisionCountry("MX-NLE"))
	fmt.Println(geo.CountryName("MX", language.BrazilianPortuguese))
	// Output:
	// MX-NLE true <nil>
	// MX-DIF false invalid ISO 3166-2 subdivision code "MX-DIF": not one of the 32 ISO 3166-2 subdivisions of MX
	// US-CA true <nil>
	// Nuevo León MX
	// México
}

func ExampleDistanceKm() {
	sp, rio := geo.Cities[0], geo.Cities[1]
	fmt.Printf("%s–%s: %.0f km\n", sp.Name, rio.Name, geo.DistanceKm(sp.Lat, sp.Lon, rio.Lat, rio.Lon))
	// Output: São Paulo–Rio de Janeiro: 361 km
}
