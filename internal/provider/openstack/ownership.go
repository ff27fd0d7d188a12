package openstack

import (
	"context"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/provider"
)

// MetaInstallation is the server metadata key carrying the id of the
// soberana installation that created the server.
const MetaInstallation = "soberana_installation"

// installationTagPrefix starts the Keystone project tag that names the
// installation which created the project (tags may not hold "/" or ",").
const installationTagPrefix = "soberana-installation-"

// ReasonNotOurs: the resource belongs to another soberana installation.
const ReasonNotOurs Reason = "not_ours"

// InstallationTag is the Keystone project tag of an installation.
func InstallationTag(installationID string) string { return installationTagPrefix + installationID }

// tagOwner returns the installation a Keystone project's tags name ("" when
// none does).
func tagOwner(tags []string) string {
	for _, t := range tags {
		if id, ok := strings.CutPrefix(t, installationTagPrefix); ok {
			return id
		}
	}
	return ""
}

// claimProject makes sure a Keystone project found by name is this
// installation's: one tagged by another installation is refused, an
// untagged one (made before installations had ids, by name from a
// soberana project id no other installation has) is adopted and tagged.
func (d *Driver) claimProject(ctx context.Context, cn *conn, p projects.Project) error {
	owner := tagOwner(p.Tags)
	switch {
	case d.Installation == "" || owner == d.Installation:
		return nil
	case owner != "":
		return &Error{Reason: ReasonNotOurs, Op: "claim project", Cloud: cn.cloud.Name,
			Detail: "Keystone project " + p.Name + " (" + p.ID + ") is tagged " + InstallationTag(owner)}
	}
	tags := append(slices.Clone(p.Tags), InstallationTag(d.Installation))
	err := d.retry(ctx, func() error {
		_, err := projects.Update(ctx, cn.identity, p.ID, projects.UpdateOpts{Tags: &tags}).Extract()
		return classify("tag project", cn.cloud.Name, err)
	})
	if err == nil {
		d.Log.Info("adopted an untagged Keystone project of this installation's soberana project",
			"cloud", cn.cloud.Name, "keystone_project", p.ID, "name", p.Name, "tag", InstallationTag(d.Installation))
	}
	return err
}

// ownedProjects lists the Keystone projects tagged with this
// installation's id: the only projects whose servers the orphan sweep may
// take for this installation's.
func (d *Driver) ownedProjects(ctx context.Context, cn *conn) (map[string]bool, error) {
	out := map[string]bool{}
	err := d.retry(ctx, func() error {
		clear(out)
		err := projects.List(cn.identity, projects.ListOpts{Tags: InstallationTag(d.Installation)}).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			list, err := projects.ExtractProjects(p)
			for _, pr := range list {
				out[pr.ID] = true
			}
			return true, err
		})
		return classify("list projects", cn.cloud.Name, err)
	})
	return out, err
}

// ownedBy returns the installation a server can be proven to belong to:
// the id in its metadata, except that this installation's own id counts
// only in a project it created (owned; nil when servers live in one
// shared project, where the metadata is all there is).
func (d *Driver) ownedBy(s *servers.Server, owned map[string]bool) string {
	id := s.Metadata[MetaInstallation]
	if id != "" && id == d.Installation && owned != nil && !owned[s.TenantID] {
		return ""
	}
	return id
}

// foreign reports a server that carries another installation's id.
func (d *Driver) foreign(s *servers.Server) bool {
	id := s.Metadata[MetaInstallation]
	return id != "" && d.Installation != "" && id != d.Installation
}

// notOurs refuses op on s when s carries another installation's id (nil:
// no server, or not another's).
func (d *Driver) notOurs(op string, cn *conn, s *servers.Server) error {
	if s == nil || !d.foreign(s) {
		return nil
	}
	return &Error{Reason: ReasonNotOurs, Op: op, Cloud: cn.cloud.Name,
		Detail: "server " + s.ID + " carries " + MetaInstallation + "=" + s.Metadata[MetaInstallation]}
}

var _ provider.Stamper = (*Driver)(nil)

// Stamp writes this installation's id into the metadata of a live
// replica's server made before installations had ids, and claims the
// Keystone project it is in (see claimProject).
func (d *Driver) Stamp(ctx context.Context, providerID string, res provider.Resource) error {
	if d.Installation == "" {
		return nil
	}
	cfg, cn, _, err := d.siteConn(ctx, providerID, res.SiteID)
	if err != nil {
		return err
	}
	s, err := d.getServer(ctx, cn, res.ResourceID)
	if err != nil {
		return err
	}
	if s.Metadata[MetaReplica] != res.ReplicaID {
		return &Error{Reason: ReasonNotOurs, Op: "stamp server", Cloud: cn.cloud.Name,
			Detail: "server " + s.ID + " carries replica " + s.Metadata[MetaReplica] + ", not " + res.ReplicaID}
	}
	if err := d.notOurs("stamp server", cn, s); err != nil {
		return err
	}
	if s.Metadata[MetaInstallation] == "" {
		if err := d.retry(ctx, func() error {
			_, err := servers.UpdateMetadata(ctx, cn.compute, s.ID, servers.MetadataOpts{MetaInstallation: d.Installation}).Extract()
			return classify("stamp server", cn.cloud.Name, err)
		}); err != nil {
			return err
		}
	}
	if cfg.SharedProject || cn.cloud.AppCredential() || s.TenantID == "" {
		return nil
	}
	var p *projects.Project
	if err := d.retry(ctx, func() error {
		var err error
		p, err = projects.Get(ctx, cn.identity, s.TenantID).Extract()
		return classify("get project", cn.cloud.Name, err)
	}); err != nil {
		return err
	}
	return d.claimProject(ctx, cn, *p)
}
