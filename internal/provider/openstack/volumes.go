package openstack

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/provider"
)

// VolumeName is the name of a replica's volume.
func VolumeName(replicaID string) string { return namePrefix + replicaID + "-vol" }

// HasVolumes reports whether the cloud of a site has Cinder in its catalog.
func (d *Driver) HasVolumes(ctx context.Context, providerID, siteID string) (bool, error) {
	_, cn, _, err := d.siteConn(ctx, providerID, siteID)
	if err != nil {
		return false, err
	}
	return cn.volume != nil, nil
}

// errNoCinder is returned by the volume calls on a cloud without Cinder:
// callers skip volumes there.
func errNoCinder(cloud string) error {
	return fmt.Errorf("%w: %w", provider.ErrUnsupported,
		&Error{Reason: ReasonNoService, Op: "volume", Cloud: cloud, Detail: "no block-storage (Cinder) endpoint"})
}

func (d *Driver) findVolume(ctx context.Context, cn *conn, ref provider.ResourceRef) (*volumes.Volume, error) {
	var found *volumes.Volume
	err := d.retry(ctx, func() error {
		found = nil
		err := volumes.List(cn.volume, volumes.ListOpts{Name: VolumeName(ref.ReplicaID), AllTenants: !cn.cloud.AppCredential(),
			Metadata: map[string]string{MetaReplica: ref.ReplicaID}}).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			list, err := volumes.ExtractVolumes(p)
			for i := range list {
				if list[i].Metadata[MetaReplica] == ref.ReplicaID && list[i].Status != "deleting" {
					found = &list[i]
					return false, err
				}
			}
			return true, err
		})
		return classify("list volumes", cn.cloud.Name, err)
	})
	return found, err
}

// EnsureVolume creates the replica's volume in the site's AZ, or returns
// the one that already carries the replica id. On a cloud without Cinder
// it returns an error matching provider.ErrUnsupported.
func (d *Driver) EnsureVolume(ctx context.Context, ref provider.ResourceRef, sizeGiB int) (string, error) {
	defer d.replicaLock("volume:" + ref.ReplicaID)()
	_, cn, sm, err := d.siteConn(ctx, ref.ProviderID, ref.SiteID)
	if err != nil {
		return "", err
	}
	if cn.volume == nil {
		return "", errNoCinder(cn.cloud.Name)
	}
	if v, err := d.findVolume(ctx, cn, ref); err != nil || v != nil {
		if v != nil {
			return v.ID, nil
		}
		return "", err
	}
	v, err := volumes.Create(ctx, cn.volume, volumes.CreateOpts{Name: VolumeName(ref.ReplicaID), Size: sizeGiB,
		AvailabilityZone: sm.AZ, Metadata: map[string]string{MetaWorkload: ref.WorkloadID, MetaReplica: ref.ReplicaID}}, nil).Extract()
	if err != nil {
		return "", classify("create volume", cn.cloud.Name, err)
	}
	return v.ID, nil
}

// DeleteVolume removes the replica's volume; deleting nothing, or on a
// cloud without Cinder, succeeds.
func (d *Driver) DeleteVolume(ctx context.Context, ref provider.ResourceRef) error {
	_, cn, _, err := d.siteConn(ctx, ref.ProviderID, ref.SiteID)
	if err != nil || cn.volume == nil {
		return err
	}
	v, err := d.findVolume(ctx, cn, ref)
	if err != nil || v == nil {
		return err
	}
	err = classify("delete volume", cn.cloud.Name, volumes.Delete(ctx, cn.volume, v.ID, volumes.DeleteOpts{}).ExtractErr())
	if isNotFound(err) {
		return nil
	}
	return err
}
