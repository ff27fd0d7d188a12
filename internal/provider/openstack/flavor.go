package openstack

import (
	"context"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/scs"
)

type imageCache struct {
	at time.Time
	id string
}

type flavorCache struct {
	at   time.Time
	list []flavors.Flavor
}

// flavorTTL is how long a cached flavor list (or image id) is used as it
// is; after that it is still used while one refresh runs in the background.
const flavorTTL = time.Minute

// cached serves a value kept under key: fresh, as it is; stale, as it is
// while one background refresh runs; absent, from one fetch that every
// caller asking meanwhile waits for. A burst of creates after the TTL thus
// costs the cloud one call, and none of them waits for it.
func cached[T any](d *Driver, ctx context.Context, key string, get func() (T, time.Time, bool), fetch func(context.Context) (T, error)) (T, error) {
	v, at, ok := get()
	if ok && time.Since(at) < flavorTTL {
		return v, nil
	}
	do := func(ctx context.Context) func() (any, error) {
		return func() (any, error) { return fetch(ctx) }
	}
	if ok {
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		ch := d.sf.DoChan(key, do(bg))
		go func() { <-ch; cancel() }()
		return v, nil
	}
	r, err, _ := d.sf.Do(key, do(ctx))
	if err != nil {
		var zero T
		return zero, err
	}
	return r.(T), nil
}

func (d *Driver) listFlavors(ctx context.Context, cn *conn) ([]flavors.Flavor, error) {
	key := cn.cloud.Name + "@" + cn.cloud.AuthURL
	return cached(d, ctx, "flavors:"+key, func() ([]flavors.Flavor, time.Time, bool) {
		d.mu.Lock()
		defer d.mu.Unlock()
		fc, ok := d.flavors[key]
		return fc.list, fc.at, ok
	}, func(ctx context.Context) ([]flavors.Flavor, error) { return d.fetchFlavors(ctx, cn, key) })
}

// fetchFlavors lists the cloud's flavors and caches them.
func (d *Driver) fetchFlavors(ctx context.Context, cn *conn, key string) ([]flavors.Flavor, error) {
	var list []flavors.Flavor
	err := d.retry(ctx, func() error {
		list = list[:0]
		// compute 2.61+ returns extra_specs in the list; ask for it here
		c := *cn.compute
		c.Microversion = "2.61"
		err := flavors.ListDetail(&c, flavors.ListOpts{AccessType: flavors.AllAccess}).EachPage(ctx,
			func(_ context.Context, p pagination.Page) (bool, error) {
				fl, err := flavors.ExtractFlavors(p)
				list = append(list, fl...)
				return true, err
			})
		return classify("list flavors", cn.cloud.Name, err)
	})
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.flavors[key] = flavorCache{at: time.Now(), list: list}
	d.mu.Unlock()
	return list, nil
}

// FlavorMatch is a flavor found for an offering.
type FlavorMatch struct {
	Offering   string `json:"offering"`
	Cloud      string `json:"cloud"`
	FlavorID   string `json:"flavor_id,omitempty"`
	FlavorName string `json:"flavor_name,omitempty"`
	// MatchedBy is "name" or the extra spec key ("scs:name-v2"); empty
	// when no flavor matches (the flavor is missing).
	MatchedBy string `json:"matched_by,omitempty"`
}

// canonical returns the canonical SCS name, or the name itself.
func canonical(name string) string {
	if f, err := scs.Parse(name); err == nil {
		return f.String()
	}
	return name
}

// matchFlavor finds the flavor of an offering: a flavor named after the
// offering wins; else one whose scs:name-v* extra spec names it.
func matchFlavor(list []flavors.Flavor, offering string) (flavors.Flavor, string, bool) {
	want := canonical(offering)
	for _, f := range list {
		if f.Name == offering || canonical(f.Name) == want {
			return f, "name", true
		}
	}
	for _, f := range list {
		for k, v := range f.ExtraSpecs {
			if strings.HasPrefix(k, "scs:name-v") && (v == offering || canonical(v) == want) {
				return f, k, true
			}
		}
	}
	return flavors.Flavor{}, "", false
}

// flavorFor returns the flavor id for an offering (by the SCS matching
// rules; for an unnamed offering, the smallest flavor that holds the spec).
func (d *Driver) flavorFor(ctx context.Context, cn *conn, offering string, spec provider.Spec) (string, error) {
	list, err := d.listFlavors(ctx, cn)
	if err != nil {
		return "", err
	}
	if offering != "" {
		if f, _, ok := matchFlavor(list, offering); ok {
			return f.ID, nil
		}
		// the cached list may predate the flavor: ask the cloud before saying so
		key := cn.cloud.Name + "@" + cn.cloud.AuthURL
		r, err, _ := d.sf.Do("flavors:"+key, func() (any, error) { return d.fetchFlavors(ctx, cn, key) })
		if err != nil {
			return "", err
		}
		list = r.([]flavors.Flavor)
		if f, _, ok := matchFlavor(list, offering); ok {
			return f.ID, nil
		}
		return "", &Error{Reason: ReasonFlavorMissing, Op: "choose flavor", Cloud: cn.cloud.Name, Detail: offering}
	}
	best := -1
	for i, f := range list {
		if int64(f.VCPUs) >= spec.VCPUs && int64(f.RAM) >= spec.MemoryMiB && int64(f.Disk) >= spec.DiskGiB &&
			(best < 0 || f.VCPUs < list[best].VCPUs || f.RAM < list[best].RAM) {
			best = i
		}
	}
	if best < 0 {
		return "", &Error{Reason: ReasonFlavorMissing, Op: "choose flavor", Cloud: cn.cloud.Name}
	}
	return list[best].ID, nil
}

// imageFor resolves the operator's image for an offering (an id, or a name
// looked up in Glance).
func (d *Driver) imageFor(ctx context.Context, cn *conn, cfg *Config, offering string) (string, error) {
	ref := cfg.image(offering)
	if ref == "" {
		return "", &Error{Reason: ReasonImageMissing, Op: "choose image", Cloud: cn.cloud.Name, Detail: offering}
	}
	if looksLikeUUID(ref) || cn.image == nil {
		return ref, nil
	}
	key := cn.cloud.Name + "@" + cn.cloud.AuthURL + "/" + ref
	return cached(d, ctx, "image:"+key, func() (string, time.Time, bool) {
		d.mu.Lock()
		defer d.mu.Unlock()
		ic, ok := d.images[key]
		return ic.id, ic.at, ok
	}, func(ctx context.Context) (string, error) {
		var id string
		err := d.retry(ctx, func() error {
			err := images.List(cn.image, images.ListOpts{Name: ref, Limit: 2}).EachPage(ctx,
				func(_ context.Context, p pagination.Page) (bool, error) {
					list, err := images.ExtractImages(p)
					if len(list) > 0 {
						id = list[0].ID
					}
					return false, err
				})
			return classify("find image", cn.cloud.Name, err)
		})
		if err != nil {
			return "", err
		}
		if id == "" {
			return "", &Error{Reason: ReasonImageMissing, Op: "choose image", Cloud: cn.cloud.Name, Detail: ref}
		}
		d.mu.Lock()
		d.images[key] = imageCache{at: time.Now(), id: id}
		d.mu.Unlock()
		return id, nil
	})
}

func looksLikeUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}
