package placement

import (
	"fmt"
)

// Classification is the sensitivity of a workload's data. A site may host a
// workload only when both the site and its provider are certified for the
// workload's classification or a higher one.
type Classification uint8

// The classifications, from least to most sensitive.
const (
	Public Classification = iota
	Internal
	Confidential
	Restricted
)

var classifications = enum[Classification]{"classification", []string{"public", "internal", "confidential", "restricted"}}

// String returns the lower-case name used in the API ("restricted").
func (c Classification) String() string { return classifications.name(c) }

// Valid reports whether c is one of the four classifications.
func (c Classification) Valid() bool { return classifications.valid(c) }

// ParseClassification parses a classification name, ignoring case.
func ParseClassification(s string) (Classification, error) { return classifications.parseRequest(s) }

// MarshalText implements encoding.TextMarshaler.
func (c Classification) MarshalText() ([]byte, error) { return classifications.marshal(c) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Classification) UnmarshalText(b []byte) error {
	return unmarshalText(c, ParseClassification, b)
}

// Tier is the kind of site: a core cloud region or a small edge site.
type Tier uint8

// The tiers. The zero value is Core.
const (
	Core Tier = iota
	Edge
)

var tiers = enum[Tier]{"tier", []string{"core", "edge"}}

// String returns "core" or "edge".
func (t Tier) String() string { return tiers.name(t) }

// Valid reports whether t is Core or Edge.
func (t Tier) Valid() bool { return tiers.valid(t) }

// ParseTier parses "core" or "edge", ignoring case.
func ParseTier(s string) (Tier, error) { return tiers.parseRequest(s) }

// MarshalText implements encoding.TextMarshaler.
func (t Tier) MarshalText() ([]byte, error) { return tiers.marshal(t) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Tier) UnmarshalText(b []byte) error { return unmarshalText(t, ParseTier, b) }

// Health is the observed state of a provider or a site. Placement avoids
// only Down; Degraded sites stay eligible (the health probes decide when a
// site is really gone).
type Health uint8

// The health states. The zero value is Healthy.
const (
	Healthy Health = iota
	Degraded
	Down
)

var healths = enum[Health]{"health", []string{"healthy", "degraded", "down"}}

// String returns "healthy", "degraded" or "down".
func (h Health) String() string { return healths.name(h) }

// Valid reports whether h is a known health state.
func (h Health) Valid() bool { return healths.valid(h) }

// ParseHealth parses a health name, ignoring case.
func ParseHealth(s string) (Health, error) {
	if h, ok := healths.parse(s); ok {
		return h, nil
	}
	return 0, fmt.Errorf("placement: unknown health %q", s)
}

// Resources is an amount of compute: what one replica needs, what a site
// has, or what is reserved on it.
type Resources struct {
	VCPU      int64 `json:"vcpu"`
	MemoryMiB int64 `json:"memory_mib"`
	DiskGiB   int64 `json:"disk_gib"`
}

// nDims is the number of resource dimensions; adding GPU means adding a
// field above and a dimension here.
const nDims = 3

func (r Resources) dims() [nDims]int64 { return [nDims]int64{r.VCPU, r.MemoryMiB, r.DiskGiB} }

func fromDims(d [nDims]int64) Resources {
	return Resources{VCPU: d[0], MemoryMiB: d[1], DiskGiB: d[2]}
}

// Permille is a ratio in thousandths: 1000 is 1.0, 4000 is 4.0. Capacity
// math stays in integers.
type Permille int64

// Overcommit is how far a site's operator lets reservations exceed its
// physical capacity, per dimension. A zero field takes the default:
// 4.0 for vCPU, 1.0 for memory and disk.
type Overcommit struct {
	VCPU   Permille `json:"vcpu_permille,omitempty"`
	Memory Permille `json:"memory_permille,omitempty"`
	Disk   Permille `json:"disk_permille,omitempty"`
}

// DefaultOvercommit is the ratio used for a zero Overcommit field.
var DefaultOvercommit = Overcommit{VCPU: 4000, Memory: 1000, Disk: 1000}

func (o Overcommit) dims() [nDims]Permille {
	d := [nDims]Permille{o.VCPU, o.Memory, o.Disk}
	def := [nDims]Permille{DefaultOvercommit.VCPU, DefaultOvercommit.Memory, DefaultOvercommit.Disk}
	for i := range d {
		if d[i] == 0 {
			d[i] = def[i]
		}
	}
	return d
}

// Provider is a company that runs sites. Its Jurisdiction is the ISO 3166-1
// alpha-2 code of the country where its parent company is incorporated.
type Provider struct {
	ID string
	// Name is what people read in explanations (the ID when empty).
	Name          string
	Jurisdiction  string
	Certification Classification
	Health        Health
	// Simulated marks the built-in simulated provider: its sites hold no
	// real resources (see Substrate).
	Simulated bool
}

// Substrate says on which kind of provider a request's replicas may go.
// The zero value, SubstrateAny, lets simulated and real sites mix; the
// workload service asks for one kind unless the workload explicitly
// allows simulated sites, so that no workload is silently half real.
type Substrate uint8

// The substrates.
const (
	SubstrateAny       Substrate = iota // simulated and real sites alike
	SubstrateReal                       // real providers only
	SubstrateSimulated                  // simulated providers only
)

var substrateNames = [...]string{"any", "real", "simulated"}

// String returns "any", "real" or "simulated".
func (s Substrate) String() string {
	if int(s) < len(substrateNames) {
		return substrateNames[s]
	}
	return fmt.Sprintf("substrate(%d)", uint8(s))
}

// Site is a cloud region, availability zone or edge site of a provider.
//
// FailureDomain names what fails together (a power grid, a building, a
// metro fibre ring); names are global, so two providers in the same building
// may share one. An empty FailureDomain makes the site its own domain.
// The effective certification of a site is the lower of its own and its
// provider's; it is down when it or its provider is down.
type Site struct {
	ID string
	// Name is what people read in explanations (the ID when empty).
	Name          string
	ProviderID    string
	Country       string // ISO 3166-1 alpha-2, e.g. "BR"
	Subdivision   string // ISO 3166-2, e.g. "BR-SP"; may be empty
	Lat, Lon      float64
	Tier          Tier
	FailureDomain string
	Certification Classification
	Health        Health
	Capacity      Resources // physical capacity
	Overcommit    Overcommit
	// Images are the operating system families the site can boot
	// (ubuntu-24.04, …): the provider's image catalogue, given as data.
	Images []string
}

// SovereigntyMode says whose law may reach the data through the provider.
type SovereigntyMode string

// The sovereignty modes. The empty mode means SovereigntyAny.
const (
	// SovereigntyAny accepts providers from any jurisdiction.
	SovereigntyAny SovereigntyMode = "any"
	// National requires the provider to be incorporated in the country
	// where the site (and so the data) is.
	National SovereigntyMode = "national"
	// Regional requires the provider's jurisdiction to be one of
	// Sovereignty.Jurisdictions.
	Regional SovereigntyMode = "regional"
)

// Sovereignty constrains providers by their jurisdiction.
type Sovereignty struct {
	Mode          SovereigntyMode
	Jurisdictions []string // for Regional: allowed ISO 3166-1 alpha-2 codes
}

// Residency says where the data may live. Countries is required. A
// subdivision ("BR-SP") restricts its own country to the listed
// subdivisions; countries with no listed subdivision are allowed whole.
type Residency struct {
	Countries    []string
	Subdivisions []string
}

// Redundancy constrains the chosen set as a whole. Replicas always go to
// distinct sites.
type Redundancy struct {
	MinProviders      int     // at least this many distinct providers
	MinFailureDomains int     // at least this many distinct failure domains
	MinDistanceKm     float64 // every two replicas at least this far apart
	// MaxPerFailureDomain caps the replicas in any one failure domain
	// (0: no cap). Large spread workloads use it to spread evenly.
	MaxPerFailureDomain int
}

// Near asks for sites within RadiusKm of a point (edge workloads).
type Near struct {
	Lat, Lon float64
	RadiusKm float64
}

// NearPoint is a place where people are (a health post, a town, a state
// capital): some replica must be within RadiusKm of it. Label is what
// explanations name it by ("lat,lon" when empty).
type NearPoint struct {
	Lat, Lon float64
	RadiusKm float64
	Label    string
}

// MaxCover bounds len(NearPoints)+len(PerSubdivision) of one request.
const MaxCover = 64

// Preference orders the feasible sets.
type Preference string

// The preferences. The empty preference means Cheapest.
const (
	// Cheapest picks the feasible set with the lowest total monthly cost.
	Cheapest Preference = "cheapest"
	// Balanced picks the cheapest set among sites that keep headroom after
	// the placement (below Options.HeadroomPermille of effective capacity in
	// every dimension), and falls back to Cheapest when no such set exists.
	Balanced Preference = "balanced"
	// Nearest picks the set with the smallest total distance to Near
	// (which it requires), within the cost ceiling.
	Nearest Preference = "nearest"
)

// Preferences lists every preference (the OpenAPI enum).
var Preferences = []Preference{Cheapest, Balanced, Nearest}

// Request asks for a place for each of Replicas replicas of one offering.
type Request struct {
	OfferingID string
	// OfferingName is what people read in explanations (the ID when empty).
	OfferingName   string
	Resources      Resources // per replica
	Replicas       int
	Classification Classification
	Residency      Residency
	Sovereignty    Sovereignty
	Redundancy     Redundancy
	Near           *Near
	// NearPoints and PerSubdivision are coverage requirements: each near
	// point needs a replica of its own within its radius, and each listed
	// ISO 3166-2 subdivision a replica of its own in it. One replica serves
	// at most one requirement, so Replicas must be at least their number;
	// other replicas go anywhere the rest of the request allows.
	NearPoints       []NearPoint
	PerSubdivision   []string
	Tier             *Tier
	CostCeilingMinor int64 // total per month, national currency minor units; 0: none
	Preference       Preference
	Exclude          []string // site IDs to avoid (failover, migration)
	// Substrate restricts the sites to real or to simulated providers.
	Substrate Substrate
	// Image is the operating system family every chosen site must have
	// in its catalogue (empty: any site).
	Image string
}

// Choice is the site chosen for one replica.
type Choice struct {
	SiteID     string
	ProviderID string
	// SiteName and ProviderName are what people read (the IDs when the
	// fleet gave no names).
	SiteName      string
	ProviderName  string
	FailureDomain string
	Country       string
	Subdivision   string
	MonthlyMinor  int64   // monthly cost of this replica, national currency minor units
	DistanceKm    float64 // from Request.Near; 0 without Near
	// Serves is the coverage requirement this replica meets: a near
	// point's label or a subdivision code (empty: none).
	Serves string
	// ServesDistanceKm is the distance to the near point it serves.
	ServesDistanceKm float64
}

// Decision is where the replicas of a request go.
type Decision struct {
	OfferingID        string
	Resources         Resources // per replica; what Place reserved on each site
	Choices           []Choice
	TotalMonthlyMinor int64
	// Exact is true when the set is proven to be the best for the
	// preference (always for up to MaxExactReplicas replicas unless the
	// search budget ran out); false for the spread heuristic.
	Exact   bool
	Reasons Reasons
}

// Usage is what is reserved on a site against its effective capacity
// (physical capacity times overcommit).
type Usage struct {
	Used     Resources `json:"used"`
	Capacity Resources `json:"capacity"`
}
