package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// CatalogImage is one operating system family a provider can boot at a
// site, as its driver discovers it.
type CatalogImage struct {
	// SiteID is the soberana site (empty: every site of the provider).
	SiteID string
	// Family is "<os_distro>-<os_version>" in lower case (ubuntu-24.04).
	Family string
	// Ref is the provider's id of the image; Name its name there.
	Ref, Name string
	Simulated bool
}

// ImageCatalog is implemented by drivers whose providers boot operating
// system images (the sim and OpenStack drivers; the Kubernetes driver runs
// apps only and has no images).
type ImageCatalog interface {
	Images(ctx context.Context, providerID string) ([]CatalogImage, error)
}

// Family names an image's operating system family from Glance's standard
// os_distro and os_version properties: ("Ubuntu", "24.04") → ubuntu-24.04.
// Either empty gives "".
func Family(distro, version string) string {
	d, v := lowerTrim(distro), lowerTrim(version)
	if d == "" || v == "" {
		return ""
	}
	return d + "-" + v
}

func lowerTrim(s string) string {
	b := []byte(s)
	out := b[:0]
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
			out = append(out, c)
		}
	}
	return string(out)
}

// ValidFamily reports whether s can name an image family.
func ValidFamily(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' || s[0] == '.' {
		return false
	}
	return lowerTrim(s) == s
}

// SyncImages asks the driver of every provider for its image catalogue
// and stores it (store.ReplaceImages), so that placement and GET
// /v1/images see it. A provider whose driver has no catalogue (Kubernetes)
// gets an empty one; one whose driver fails keeps what was stored, and the
// error is returned with the others after every provider was tried.
func SyncImages(ctx context.Context, st *store.Store, reg *Registry, only func(model.Provider) bool) (changed bool, err error) {
	provs, err := st.Read().Providers().All(ctx)
	if err != nil {
		return false, err
	}
	var errs []error
	for _, p := range provs {
		if only != nil && !only(p) {
			continue
		}
		drv, err := reg.Get(p.Driver)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var want []model.Image
		if cat, ok := drv.(ImageCatalog); ok {
			got, err := cat.Images(ctx, p.ID)
			if err != nil {
				errs = append(errs, fmt.Errorf("image catalogue of provider %s: %w", p.Name, err))
				continue
			}
			for _, im := range got {
				if !ValidFamily(im.Family) {
					continue
				}
				want = append(want, model.Image{ProviderID: p.ID, SiteID: im.SiteID, Family: im.Family,
					ImageRef: im.Ref, ImageName: im.Name, Simulated: im.Simulated || p.Simulated})
			}
		}
		err = st.Write(ctx, func(tx *store.Tx) error {
			c, err := tx.ReplaceImages(ctx, p.ID, want)
			changed = changed || c
			return err
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return changed, errors.Join(errs...)
}
