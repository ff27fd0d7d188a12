package geo

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"pgregory.net/rapid"
)

// iso3166_1 is the complete list of officially assigned ISO 3166-1 alpha-2
// codes (249, as published by the ISO 3166 Maintenance Agency).
const iso3166_1 = `
	AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE
	BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
	CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
	DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
	GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
	ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
	KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
	MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
	NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
	PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
	SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
	TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
	VN VU WF WS YE YT ZA ZM ZW`

// ValidCountry accepts exactly the assigned codes among all 676 pairs of
// upper-case letters.
func TestValidCountryExactlyISO(t *testing.T) {
	t.Parallel()
	want := strings.Fields(iso3166_1)
	if len(want) != 249 {
		t.Fatalf("test list has %d codes, want 249", len(want))
	}
	var got []string
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			if code := string([]byte{a, b}); ValidCountry(code) {
				got = append(got, code)
			}
		}
	}
	for _, c := range want {
		if !slices.Contains(got, c) {
			t.Errorf("ValidCountry(%q) = false, want true", c)
		}
	}
	for _, c := range got {
		if !slices.Contains(want, c) {
			t.Errorf("ValidCountry(%q) = true, want false", c)
		}
	}
}

func TestValidCountry(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"BR", "MX", "CL", "CO", "AR", "PE", "UY", "EC", "BO", "PY", "CR", "PA", "GT", "DO", "SV", "HN", "US", "GB", "DE", "CI"} {
		if !ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = false, want true", c)
		}
	}
	for _, c := range []string{
		"", "B", "BRA", "br", "Br", "bR", " BR", "BR ", "B1", "419", "001",
		"ZZ", "EU", "EZ", "UN", "QO", "XA", "XK", "AA", "UK", "YU", "SU", "AC", "IC", "TA",
		"ÅL", "\x00\x00",
	} {
		if ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = true, want false", c)
		}
	}
}

func TestCountryName(t *testing.T) {
	t.Parallel()
	es, pt, en := language.Spanish, language.BrazilianPortuguese, language.English
	tests := []struct {
		code string
		lang language.Tag
		want string
	}{
		{"BR", es, "Brasil"}, {"BR", pt, "Brasil"}, {"BR", en, "Brazil"},
		{"MX", es, "México"}, {"MX", pt, "México"}, {"MX", en, "Mexico"},
		{"DE", es, "Alemania"}, {"DE", pt, "Alemanha"}, {"DE", en, "Germany"},
		{"US", es, "Estados Unidos"}, {"US", en, "United States"},
		{"PE", es, "Perú"}, {"PE", pt, "Peru"},
		{"CI", language.MustParse("es-419"), "Costa de Marfil"},
		{"BR", language.Und, "Brazil"}, // no names of its own: English
		{"ZZ", es, ""}, {"EU", en, ""}, {"br", en, ""}, {"", en, ""},
	}
	for _, tt := range tests {
		if got := CountryName(tt.code, tt.lang); got != tt.want {
			t.Errorf("CountryName(%q, %v) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
}

func TestSubdivisionTable(t *testing.T) {
	t.Parallel()
	want := map[string]int{
		"BR": 27, "MX": 32, "CL": 16, "CO": 33, "AR": 24, "PE": 26, "UY": 19,
		"EC": 24, "BO": 9, "PY": 18, "CR": 7, "PA": 14, "GT": 22, "DO": 42,
		"SV": 14, "HN": 18,
	}
	for cc, n := range want {
		if got := len(Subdivisions(cc)); got != n {
			t.Errorf("len(Subdivisions(%q)) = %d, want %d", cc, got, n)
		}
	}
	if len(subdivisionsOf) != len(want) {
		t.Errorf("table has %d countries, want %d", len(subdivisionsOf), len(want))
	}
	seen := map[string]bool{}
	for _, s := range subdivisions {
		if seen[s.Code] {
			t.Errorf("%s listed twice", s.Code)
		}
		seen[s.Code] = true
		if ok, err := ValidSubdivision(s.Code); !ok {
			t.Errorf("table entry %s: %v", s.Code, err)
		}
		if s.Name == "" || strings.TrimSpace(s.Name) != s.Name || s.Category == "" {
			t.Errorf("table entry %+v: want a trimmed name and a category", s)
		}
	}
	if Subdivisions("US") != nil {
		t.Error(`Subdivisions("US") != nil; the table has no US list`)
	}
	// The result is a copy.
	Subdivisions("BR")[0].Name = "changed"
	if SubdivisionName("BR-AC") != "Acre" {
		t.Error("modifying the result of Subdivisions changed the table")
	}
}

func TestValidSubdivision(t *testing.T) {
	t.Parallel()
	valid := []string{
		"BR-SP", "BR-RJ", "BR-DF", "BR-AC", "BR-TO",
		"MX-CMX", "MX-JAL", "MX-NLE", "MX-AGU", "MX-ZAC",
		"CL-RM", "CL-VS", "CL-BI", "CL-NB", "CL-AP",
		"CO-DC", "CO-ANT", "CO-SAP",
		"AR-C", "AR-B", "AR-V",
		"PE-LMA", "PE-LIM", "PE-CAL",
		"UY-MO", "UY-TT",
		"EC-SD", "BO-L", "PY-ASU", "PY-19", "CR-SJ", "PA-10", "PA-NT",
		"GT-01", "GT-22", "DO-01", "DO-42", "SV-SS", "HN-FM",
		// Countries without a table: format only.
		"US-CA", "DE-BY", "ES-M", "FR-75C", "GB-ENG", "JP-13",
	}
	for _, c := range valid {
		if ok, err := ValidSubdivision(c); !ok || err != nil {
			t.Errorf("ValidSubdivision(%q) = %v, %v; want true, nil", c, ok, err)
		}
	}
	invalid := []struct{ code, why string }{
		{"", "empty"},
		{"BR", `want a country code, "-"`},
		{"BR-", `want a country code, "-"`},
		{"BRSP", `want a country code, "-"`},
		{"BR_SP", `want a country code, "-"`},
		{"B-SP", `want a country code, "-"`},
		{"BRA-SP", `want a country code, "-"`},
		{"US-ABCD", `want a country code, "-"`},
		{"BR-XX", "not one of the 27 ISO 3166-2 subdivisions of BR"},
		{"MX-DIF", "not one of the 32"}, // Distrito Federal became MX-CMX in 2017
		{"GT-AV", "not one of the 22"},  // replaced by GT-16 in 2021
		{"CL-XX", "not one of the 16"},
		{"br-SP", "upper case"},
		{"BR-sp", "upper case"},
		{"us-ca", "upper case"},
		{"ZZ-AB", `"ZZ" is not an ISO 3166-1 country code`},
		{"EU-AB", `"EU" is not`},
		{"XK-01", `"XK" is not`},
		{"US-A B", "want 1 to 3 upper-case letters or digits"},
		{"US-É", "want 1 to 3 upper-case letters or digits"}, // ASCII only
		{"US-A-", "want 1 to 3 upper-case letters or digits"},
	}
	for _, tt := range invalid {
		ok, err := ValidSubdivision(tt.code)
		if ok || err == nil {
			t.Errorf("ValidSubdivision(%q) = %v, %v; want false and an error", tt.code, ok, err)
			continue
		}
		if !errors.Is(err, ErrInvalidSubdivision) {
			t.Errorf("ValidSubdivision(%q): %v does not wrap ErrInvalidSubdivision", tt.code, err)
		}
		if !strings.Contains(err.Error(), tt.why) || !strings.Contains(err.Error(), tt.code) {
			t.Errorf("ValidSubdivision(%q) error %q, want it to name the code and contain %q", tt.code, err, tt.why)
		}
	}
}

func TestSubdivisionCountryAndName(t *testing.T) {
	t.Parallel()
	tests := []struct{ code, country, name string }{
		{"BR-SP", "BR", "São Paulo"},
		{"MX-CMX", "MX", "Ciudad de México"},
		{"CL-RM", "CL", "Región Metropolitana de Santiago"},
		{"CO-DC", "CO", "Distrito Capital de Bogotá"},
		{"AR-C", "AR", "Ciudad Autónoma de Buenos Aires"},
		{"PE-LMA", "PE", "Municipalidad Metropolitana de Lima"},
		{"GT-16", "GT", "Alta Verapaz"},
		{"US-CA", "US", ""}, // valid, but no table for US
		{"BR-XX", "", ""},
		{"ZZ-AB", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := SubdivisionCountry(tt.code); got != tt.country {
			t.Errorf("SubdivisionCountry(%q) = %q, want %q", tt.code, got, tt.country)
		}
		if got := SubdivisionName(tt.code); got != tt.name {
			t.Errorf("SubdivisionName(%q) = %q, want %q", tt.code, got, tt.name)
		}
	}
}

func TestValidLatLon(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	for _, p := range [][2]float64{{0, 0}, {90, 180}, {-90, -180}, {-23.55, -46.63}, {89.999, -179.999}} {
		if err := ValidLatLon(p[0], p[1]); err != nil {
			t.Errorf("ValidLatLon(%v, %v) = %v, want nil", p[0], p[1], err)
		}
	}
	for _, tt := range []struct {
		lat, lon float64
		why      string
	}{
		{90.0001, 0, "latitude"}, {-91, 0, "latitude"}, {nan, 0, "latitude"},
		{inf, 0, "latitude"}, {-inf, 0, "latitude"},
		{0, 180.0001, "longitude"}, {0, -181, "longitude"}, {0, nan, "longitude"},
		{0, inf, "longitude"}, {0, -inf, "longitude"},
	} {
		err := ValidLatLon(tt.lat, tt.lon)
		if !errors.Is(err, ErrInvalidCoordinate) || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("ValidLatLon(%v, %v) = %v, want an ErrInvalidCoordinate about the %s", tt.lat, tt.lon, err, tt.why)
		}
	}
}

func city(t *testing.T, name string) City {
	t.Helper()
	for _, c := range Cities {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no city %q in Cities", name)
	return City{}
}

func TestDistanceKmCityPairs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"São Paulo", "Rio de Janeiro", 357, 361},
		{"Ciudad de México", "Guadalajara", 455, 465},
		{"Santiago", "Valparaíso", 95, 120}, // 116 km by road, ~100 straight
		{"Bogotá", "Medellín", 235, 250},
		{"São Paulo", "Ciudad de México", 7350, 7450},
		{"Buenos Aires", "Montevideo", 195, 210},
	}
	for _, tt := range tests {
		a, b := city(t, tt.a), city(t, tt.b)
		d := DistanceKm(a.Lat, a.Lon, b.Lat, b.Lon)
		if d < tt.min || d > tt.max {
			t.Errorf("DistanceKm(%s, %s) = %.1f km, want %v to %v", tt.a, tt.b, d, tt.min, tt.max)
		}
	}
}

func TestDistanceKmEdges(t *testing.T) {
	t.Parallel()
	half := math.Pi * EarthRadiusKm
	tests := []struct {
		lat1, lon1, lat2, lon2, want float64
	}{
		{0, 0, 0, 0, 0},
		{-23.5, -46.6, -23.5, -46.6, 0},
		{0, 0, 0, 180, half},
		{90, 0, -90, 0, half},
		{10, -75, -10, 105, half},                            // antipodes
		{0, 179.5, 0, -179.5, EarthRadiusKm * math.Pi / 180}, // across the antimeridian
		{90, 0, 90, 123, 0},                                  // the pole, any longitude
		{0, 0, 1, 0, EarthRadiusKm * math.Pi / 180},
	}
	for _, tt := range tests {
		got := DistanceKm(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
		if math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("DistanceKm(%v, %v, %v, %v) = %v, want %v", tt.lat1, tt.lon1, tt.lat2, tt.lon2, got, tt.want)
		}
	}
}

// Distance is a metric on the sphere: non-negative, bounded by half the
// circumference, symmetric, zero to itself, and obeys the triangle
// inequality.
func TestDistanceKmMetric(t *testing.T) {
	t.Parallel()
	lat := rapid.Float64Range(-90, 90)
	lon := rapid.Float64Range(-180, 180)
	rapid.Check(t, func(t *rapid.T) {
		a1, o1 := lat.Draw(t, "lat1"), lon.Draw(t, "lon1")
		a2, o2 := lat.Draw(t, "lat2"), lon.Draw(t, "lon2")
		a3, o3 := lat.Draw(t, "lat3"), lon.Draw(t, "lon3")
		d12 := DistanceKm(a1, o1, a2, o2)
		const eps = 1e-3 // km: asin near antipodes amplifies rounding to ~1e-5 km
		if d12 < 0 || d12 > math.Pi*EarthRadiusKm+eps || math.IsNaN(d12) {
			t.Fatalf("distance %v out of range", d12)
		}
		if d21 := DistanceKm(a2, o2, a1, o1); math.Abs(d12-d21) > eps {
			t.Fatalf("not symmetric: %v vs %v", d12, d21)
		}
		if d := DistanceKm(a1, o1, a1, o1); d != 0 {
			t.Fatalf("distance to itself %v", d)
		}
		if d13, d23 := DistanceKm(a1, o1, a3, o3), DistanceKm(a2, o2, a3, o3); d12 > d13+d23+eps {
			t.Fatalf("triangle inequality: %v > %v + %v", d12, d13, d23)
		}
	})
}

func TestCities(t *testing.T) {
	t.Parallel()
	required := []string{
		"São Paulo", "Rio de Janeiro", "Brasília", "Belo Horizonte", "Porto Alegre",
		"Recife", "Fortaleza", "Manaus", "Ciudad de México", "Guadalajara",
		"Monterrey", "Querétaro", "Mérida", "Santiago", "Valparaíso", "Concepción",
		"Antofagasta", "Puerto Montt", "Bogotá", "Medellín", "Cali", "Barranquilla",
	}
	for _, name := range required {
		city(t, name)
	}
	// Rough bounding boxes (lat min, lat max, lon min, lon max) that catch a
	// swapped or mis-signed coordinate.
	boxes := map[string][4]float64{
		"BR": {-34, 6, -74, -34}, "MX": {14, 33, -118, -86}, "CL": {-56, -17, -76, -66},
		"CO": {-5, 13, -80, -66}, "AR": {-55, -21, -74, -53}, "PE": {-19, 0, -82, -68},
		"UY": {-35, -30, -59, -53}, "EC": {-5, 2, -92, -75}, "BO": {-23, -9, -70, -57},
		"PY": {-28, -19, -63, -54}, "CR": {8, 12, -86, -82}, "PA": {7, 10, -83, -77},
		"GT": {13, 18, -93, -88}, "DO": {17, 20, -72, -68}, "SV": {13, 15, -91, -87},
		"HN": {12, 17, -90, -83},
	}
	seen := map[string]bool{}
	for _, c := range Cities {
		if seen[c.Name+"/"+c.Country] {
			t.Errorf("%s listed twice", c.Name)
		}
		seen[c.Name+"/"+c.Country] = true
		if err := ValidLatLon(c.Lat, c.Lon); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
		if ok, err := ValidSubdivision(c.Subdivision); !ok {
			t.Errorf("%s: %v", c.Name, err)
		}
		if got := SubdivisionCountry(c.Subdivision); got != c.Country || !ValidCountry(c.Country) {
			t.Errorf("%s: subdivision %s is in %q, city says %q", c.Name, c.Subdivision, got, c.Country)
		}
		box, ok := boxes[c.Country]
		if !ok {
			t.Errorf("%s: no bounding box for %s in this test", c.Name, c.Country)
			continue
		}
		if c.Lat < box[0] || c.Lat > box[1] || c.Lon < box[2] || c.Lon > box[3] {
			t.Errorf("%s (%v, %v) is outside %s", c.Name, c.Lat, c.Lon, c.Country)
		}
	}
}

func BenchmarkDistanceKm(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		DistanceKm(-23.5505, -46.6333, -22.9068, -43.1729)
	}
}

func BenchmarkValidSubdivision(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := ValidSubdivision("MX-NLE"); !ok {
			b.Fatal("MX-NLE invalid")
		}
	}
}

func TestCityNamed(t *testing.T) {
	t.Parallel()
	c, ok := CityNamed("CL", "Santiago")
	if !ok || c.Subdivision != "CL-RM" || c.Lat != -33.4378 || c.Lon != -70.6504 {
		t.Fatalf("%+v %v", c, ok)
	}
	if _, ok := CityNamed("BR", "Santiago"); ok {
		t.Fatal("Santiago is not in Brazil")
	}
}
