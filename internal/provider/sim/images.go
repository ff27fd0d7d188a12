package sim

import (
	"context"

	"github.com/soberana/soberana/internal/provider"
)

// SimulatedFamilies are the image families every simulated site offers.
var SimulatedFamilies = []string{"ubuntu-24.04", "ubuntu-22.04", "debian-12", "rocky-9"}

var _ provider.ImageCatalog = (*Driver)(nil)

// Images is the simulated catalogue: every family of SimulatedFamilies
// at every site of the provider, labelled simulated.
func (d *Driver) Images(ctx context.Context, providerID string) ([]provider.CatalogImage, error) {
	if err := d.inject(ctx, providerID, "", "images"); err != nil {
		return nil, err
	}
	out := make([]provider.CatalogImage, 0, len(SimulatedFamilies))
	for _, f := range SimulatedFamilies {
		out = append(out, provider.CatalogImage{Family: f, Ref: "sim-image-" + f, Name: f + " (simulated)", Simulated: true})
	}
	return out, nil
}

// Boot returns what the simulated provider received to boot a replica:
// the image reference and the user-data (cloud-init document).
func (d *Driver) Boot(ctx context.Context, providerID, replicaID string) (image, userData string, err error) {
	b, err := d.st.Read().SimBootOf(ctx, providerID, replicaID)
	return b.ImageRef, b.UserData, err
}
