package geo

// City is a real city with the coordinates of its centre (its main square
// where it has a historic one), in decimal degrees (WGS 84), and its
// ISO 3166-2 subdivision.
type City struct {
	Name        string  `json:"name"`
	Country     string  `json:"country"`     // ISO 3166-1 alpha-2
	Subdivision string  `json:"subdivision"` // ISO 3166-2
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
}

// Cities are Latin American cities where the demo fleet places its sites:
// the large metropolitan areas of Brazil, Mexico, Chile and Colombia, and
// the capitals of the other countries of the subdivision table. Treat it as
// read-only.
var Cities = []City{
	{"São Paulo", "BR", "BR-SP", -23.5505, -46.6333},
	{"Rio de Janeiro", "BR", "BR-RJ", -22.9068, -43.1729},
	{"Brasília", "BR", "BR-DF", -15.7939, -47.8828},
	{"Belo Horizonte", "BR", "BR-MG", -19.9167, -43.9345},
	{"Porto Alegre", "BR", "BR-RS", -30.0346, -51.2177},
	{"Recife", "BR", "BR-PE", -8.0476, -34.8770},
	{"Fortaleza", "BR", "BR-CE", -3.7319, -38.5267},
	{"Manaus", "BR", "BR-AM", -3.1190, -60.0217},
	{"Osasco", "BR", "BR-SP", -23.5329, -46.7917}, // São Paulo's data-centre suburb

	{"Ciudad de México", "MX", "MX-CMX", 19.4326, -99.1332},
	{"Guadalajara", "MX", "MX-JAL", 20.6597, -103.3496},
	{"Monterrey", "MX", "MX-NLE", 25.6866, -100.3161},
	{"Querétaro", "MX", "MX-QUE", 20.5888, -100.3899},
	{"Mérida", "MX", "MX-YUC", 20.9674, -89.5926},

	{"Santiago", "CL", "CL-RM", -33.4378, -70.6504},
	{"Valparaíso", "CL", "CL-VS", -33.0389, -71.6270},
	{"Concepción", "CL", "CL-BI", -36.8201, -73.0444},
	{"Antofagasta", "CL", "CL-AN", -23.6509, -70.3975},
	{"Puerto Montt", "CL", "CL-LL", -41.4689, -72.9411},

	{"Bogotá", "CO", "CO-DC", 4.7110, -74.0721},
	{"Medellín", "CO", "CO-ANT", 6.2442, -75.5812},
	{"Cali", "CO", "CO-VAC", 3.4516, -76.5320},
	{"Barranquilla", "CO", "CO-ATL", 10.9685, -74.7813},

	{"Buenos Aires", "AR", "AR-C", -34.6037, -58.3816},
	{"Córdoba", "AR", "AR-X", -31.4201, -64.1888},
	{"Lima", "PE", "PE-LMA", -12.0464, -77.0428},
	{"Montevideo", "UY", "UY-MO", -34.9011, -56.1645},
	{"Quito", "EC", "EC-P", -0.1807, -78.4678},
	{"Guayaquil", "EC", "EC-G", -2.1710, -79.9224},
	{"La Paz", "BO", "BO-L", -16.4897, -68.1193},
	{"Asunción", "PY", "PY-ASU", -25.2637, -57.5759},
	{"San José", "CR", "CR-SJ", 9.9281, -84.0907},
	{"Ciudad de Panamá", "PA", "PA-8", 8.9824, -79.5199},
	{"Ciudad de Guatemala", "GT", "GT-01", 14.6349, -90.5069},
	{"Santo Domingo", "DO", "DO-01", 18.4861, -69.9312},
	{"San Salvador", "SV", "SV-SS", 13.6929, -89.2182},
	{"Tegucigalpa", "HN", "HN-FM", 14.0723, -87.1921},
}

// CityNamed returns the city of Cities with that country (ISO 3166-1
// alpha-2) and name.
func CityNamed(country, name string) (City, bool) {
	for _, c := range Cities {
		if c.Country == country && c.Name == name {
			return c, true
		}
	}
	return City{}, false
}
