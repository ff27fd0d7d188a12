package openstack

import (
	"context"
	"fmt"
	"sort"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/provider"
)

var _ provider.ImageCatalog = (*Driver)(nil)

// Images discovers the provider's image catalogue: every active image of
// each cloud's Glance that carries the standard os_distro and os_version
// properties becomes its family (ubuntu + 24.04 → ubuntu-24.04), at every
// site of that cloud; the config's image_families add or override
// families by image name or id. When two images claim a family, the most
// recently updated one wins.
func (d *Driver) Images(ctx context.Context, providerID string) ([]provider.CatalogImage, error) {
	var out []provider.CatalogImage
	err := d.eachCloud(ctx, providerID, func(cfg *Config, cn *conn) error {
		cl := cn.cloud
		if cn.image == nil {
			return &Error{Reason: ReasonCloudError, Op: "list images", Cloud: cl.Name, Detail: "no image service (Glance) in the catalog"}
		}
		var list []images.Image
		err := d.retry(ctx, func() error {
			list = list[:0]
			err := images.List(cn.image, images.ListOpts{Status: images.ImageStatusActive, Limit: 200}).EachPage(ctx,
				func(_ context.Context, p pagination.Page) (bool, error) {
					got, err := images.ExtractImages(p)
					list = append(list, got...)
					return err == nil, err
				})
			return classify("list images", cl.Name, err)
		})
		if err != nil {
			return err
		}
		fams := familiesOf(list, cfg.ImageFamilies)
		for _, sm := range cfg.Sites {
			if sm.Cloud != cl.Name {
				continue
			}
			for _, f := range fams {
				f.SiteID = sm.SiteID
				out = append(out, f)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// familiesOf picks one image per family, sorted by family.
func familiesOf(list []images.Image, byName map[string]string) []provider.CatalogImage {
	best := map[string]images.Image{}
	for _, im := range list {
		if im.Status != "" && im.Status != images.ImageStatusActive {
			continue
		}
		f := provider.Family(prop(im, "os_distro"), prop(im, "os_version"))
		if f == "" {
			continue
		}
		if old, ok := best[f]; !ok || im.UpdatedAt.After(old.UpdatedAt) || im.UpdatedAt.Equal(old.UpdatedAt) && im.ID < old.ID {
			best[f] = im
		}
	}
	for fam, ref := range byName {
		for _, im := range list {
			if im.ID == ref || im.Name == ref {
				best[fam] = im
				break
			}
		}
	}
	out := make([]provider.CatalogImage, 0, len(best))
	for f, im := range best {
		if !provider.ValidFamily(f) {
			continue
		}
		out = append(out, provider.CatalogImage{Family: f, Ref: im.ID, Name: im.Name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Family < out[j].Family })
	return out
}

func prop(im images.Image, k string) string {
	switch v := im.Properties[k].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}
