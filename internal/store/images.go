package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/soberana/soberana/internal/model"
)

var images = noun(&entity[model.Image]{
	table:   "images",
	cols:    []string{"provider_id", "site_id", "family", "image_ref", "image_name", "simulated"},
	filters: map[string]bool{"provider_id": true, "site_id": true, "family": true},
	scanDest: func(v *model.Image) []any {
		return []any{&v.ProviderID, &v.SiteID, &v.Family, &v.ImageRef, &v.ImageName, &v.Simulated}
	},
})

// Images is the image catalogue repository.
func (t *Tx) Images() Repo[model.Image] { return Repo[model.Image]{t, images} }

// ReplaceImages makes want the provider's whole catalogue: rows that
// differ are updated, new ones inserted, missing ones deleted; rows that
// did not change are left alone, so that the fleet's fingerprint only
// moves when the catalogue does. It reports whether anything changed.
func (t *Tx) ReplaceImages(ctx context.Context, providerID string, want []model.Image) (bool, error) {
	type key struct{ site, family string }
	old := map[key]model.Image{}
	for after := ""; ; {
		have, err := t.Images().List(ctx, ListOptions{Filters: map[string]string{"provider_id": providerID}, After: after, Limit: 1000})
		if err != nil {
			return false, err
		}
		for _, im := range have.Items {
			old[key{im.SiteID, im.Family}] = im
		}
		if after = have.Next; after == "" {
			break
		}
	}
	changed := false
	seen := map[key]bool{}
	for _, im := range want {
		im.ProviderID = providerID
		k := key{im.SiteID, im.Family}
		if seen[k] {
			continue
		}
		seen[k] = true
		if o, ok := old[k]; ok {
			if o.ImageRef == im.ImageRef && o.ImageName == im.ImageName && o.Simulated == im.Simulated {
				continue
			}
			o.ImageRef, o.ImageName, o.Simulated = im.ImageRef, im.ImageName, im.Simulated
			if err := t.Images().Update(ctx, &o); err != nil {
				return false, err
			}
			changed = true
			continue
		}
		im.ID = ""
		if err := t.Images().Create(ctx, &im, "img"); err != nil {
			return false, err
		}
		changed = true
	}
	for k, o := range old {
		if !seen[k] {
			if err := t.Images().Delete(ctx, o.ID); err != nil {
				return false, err
			}
			changed = true
		}
	}
	return changed, nil
}

// ImageAt returns the image of a family at a site (ErrNotFound: none).
func (t *Tx) ImageAt(ctx context.Context, providerID, siteID, family string) (model.Image, error) {
	p, err := t.Images().List(ctx, ListOptions{Filters: map[string]string{"provider_id": providerID, "site_id": siteID, "family": family}, Limit: 1})
	if err != nil {
		return model.Image{}, err
	}
	if len(p.Items) == 0 {
		return model.Image{}, fmt.Errorf("image %s at site %s: %w", family, siteID, ErrNotFound)
	}
	return p.Items[0], nil
}

var sshKeys = noun(&entity[model.SSHKey]{
	table:   "ssh_keys",
	cols:    []string{"name", "owner_id", "institution_id", "project_id", "public_key", "fingerprint", "key_type"},
	filters: map[string]bool{"owner_id": true, "project_id": true, "name": true, "fingerprint": true},
	scanDest: func(v *model.SSHKey) []any {
		return []any{&v.Name, &v.OwnerID, &v.InstitutionID, &v.ProjectID, &v.PublicKey, &v.Fingerprint, &v.KeyType}
	},
})

// SSHKeys is the SSH public key repository.
func (t *Tx) SSHKeys() Repo[model.SSHKey] { return Repo[model.SSHKey]{t, sshKeys} }

func keysOrEmpty(k []model.WorkloadKey) []model.WorkloadKey {
	if k == nil {
		return []model.WorkloadKey{}
	}
	return k
}

const bootCols = "placement_id, workload_id, image_ref, cloud_init, sha256, created_at"

func scanBoot(row interface{ Scan(...any) error }) (model.ReplicaBoot, error) {
	var b model.ReplicaBoot
	var at int64
	err := row.Scan(&b.PlacementID, &b.WorkloadID, &b.ImageRef, &b.CloudInit, &b.SHA256, &at)
	b.CreatedAt = fromMicros(at)
	return b, mapErr(err)
}

// PutReplicaBoot stores b unless the replica already has a document;
// either way it returns the stored one, so every attempt to create the
// replica sends the same bytes.
func (t *Tx) PutReplicaBoot(ctx context.Context, b model.ReplicaBoot) (model.ReplicaBoot, error) {
	res, err := t.Exec(ctx, `INSERT INTO replica_boot (`+bootCols+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (placement_id) DO NOTHING`,
		b.PlacementID, b.WorkloadID, b.ImageRef, b.CloudInit, b.SHA256, micros(b.CreatedAt))
	if err != nil {
		return b, fmt.Errorf("storing the first-boot document: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		b.CreatedAt = fromMicros(micros(b.CreatedAt)) // as stored
		return b, nil
	}
	return t.ReplicaBoot(ctx, b.PlacementID) // another attempt stored one first
}

// ReplicaBoot returns a replica's first-boot document (ErrNotFound: none yet).
func (t *Tx) ReplicaBoot(ctx context.Context, placementID string) (model.ReplicaBoot, error) {
	return scanBoot(t.QueryRow(ctx, `SELECT `+bootCols+` FROM replica_boot WHERE placement_id = ?`, placementID))
}

// ReplicaBootsOf returns the first-boot documents of a workload's replicas.
func (t *Tx) ReplicaBootsOf(ctx context.Context, workloadID string) ([]model.ReplicaBoot, error) {
	return queryAll(ctx, t, "replica boots", `SELECT `+bootCols+` FROM replica_boot WHERE workload_id = ? ORDER BY placement_id`,
		[]any{workloadID}, func(rows *sql.Rows) (model.ReplicaBoot, error) { return scanBoot(rows) })
}

// SimBoot is what the simulated provider received to boot a replica.
type SimBoot struct {
	ProviderID string `json:"provider_id"`
	ReplicaID  string `json:"replica_id"`
	ImageRef   string `json:"image_ref"`
	UserData   string `json:"user_data"`
}

// SimPutBoot records (or replaces) what the sim received for a replica.
func (t *Tx) SimPutBoot(ctx context.Context, b SimBoot) error {
	_, err := t.Exec(ctx, `INSERT INTO sim_boot (provider_id, replica_id, image_ref, user_data, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (provider_id, replica_id) DO UPDATE SET image_ref = excluded.image_ref, user_data = excluded.user_data`,
		b.ProviderID, b.ReplicaID, b.ImageRef, b.UserData, micros(t.Now()))
	return err
}

// SimBootOf returns what the sim received for a replica (ErrNotFound: nothing).
func (t *Tx) SimBootOf(ctx context.Context, providerID, replicaID string) (SimBoot, error) {
	var b SimBoot
	err := t.QueryRow(ctx, `SELECT provider_id, replica_id, image_ref, user_data FROM sim_boot WHERE provider_id = ? AND replica_id = ?`,
		providerID, replicaID).Scan(&b.ProviderID, &b.ReplicaID, &b.ImageRef, &b.UserData)
	return b, mapErr(err)
}

// ImageFamilies lists the distinct families of every provider's catalogue.
func (t *Tx) ImageFamilies(ctx context.Context) ([]string, error) {
	return queryList(ctx, t, "image families", `SELECT DISTINCT family FROM images ORDER BY family`, nil, scanString)
}
