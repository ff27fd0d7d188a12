package openstack

import (
	"context"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/model"
)

// ProjectTenant reads a project and its institution (for grants, which
// name a project and no workload).
func (s StoreLookup) ProjectTenant(ctx context.Context, projectID string) (Tenant, error) {
	tx := s.St.Read()
	p, err := tx.Projects().Get(ctx, projectID)
	if err != nil {
		return Tenant{}, err
	}
	t := Tenant{ProjectID: p.ID, ProjectName: p.Name, InstitutionID: p.InstitutionID}
	if in, err := tx.Institutions().Get(ctx, p.InstitutionID); err == nil {
		t.InstitutionName = in.Name
	}
	return t, nil
}

// SyncGrants makes the vendor role assignments on a project's Keystone
// project, in every cloud of the provider, equal the project's grants in
// force (internal/auth's ActiveGrants): the level-triggered form that the
// grant change feed drives, the same call the kubernetes driver offers.
// Each grant's user becomes the vendor user vendor-<user id>; vendor users
// holding the role without a grant in force lose it.
func (d *Driver) SyncGrants(ctx context.Context, providerID, projectID string, active []model.Grant) error {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return err
	}
	t := Tenant{ProjectID: projectID}
	if len(active) > 0 {
		t.InstitutionID = active[0].InstitutionID
	} else if pl, ok := d.look.(interface {
		ProjectTenant(context.Context, string) (Tenant, error)
	}); ok {
		if t, err = pl.ProjectTenant(ctx, projectID); err != nil {
			return fmt.Errorf("openstack grants: reading project %s: %w", projectID, err)
		}
	} else {
		return fmt.Errorf("openstack grants: no institution known for project %s", projectID)
	}
	for _, cl := range cfg.Clouds {
		cn, err := d.conn(ctx, providerID, cl)
		if err != nil {
			return err
		}
		pid, err := d.ensureProject(ctx, providerID, &cfg, cn, t)
		if err != nil {
			return err
		}
		rid, err := d.roleID(ctx, cn, cfg.VendorRole)
		if err != nil {
			return err
		}
		want := map[string]bool{}
		for _, g := range active {
			uid, err := d.ensureVendorUser(ctx, &cfg, cn, g.UserID, true)
			if err != nil {
				return err
			}
			want[uid] = true
			if err := d.retry(ctx, func() error {
				return classify("assign vendor role", cn.cloud.Name,
					roles.Assign(ctx, cn.identity, rid, roles.AssignOpts{UserID: uid, ProjectID: pid}).ExtractErr())
			}); err != nil {
				return err
			}
		}
		yes := true
		var stale []string
		err = roles.ListAssignments(cn.identity, roles.ListAssignmentsOpts{ScopeProjectID: pid, RoleID: rid, IncludeNames: &yes}).EachPage(ctx,
			func(_ context.Context, p pagination.Page) (bool, error) {
				list, err := roles.ExtractRoleAssignments(p)
				for _, a := range list {
					if a.User.ID != "" && !want[a.User.ID] && a.User.Domain.Name == VendorDomain(&cfg) && strings.HasPrefix(a.User.Name, "vendor-") {
						stale = append(stale, a.User.ID)
					}
				}
				return true, err
			})
		if err != nil {
			return classify("list role assignments", cn.cloud.Name, err)
		}
		for _, uid := range stale {
			err := d.retry(ctx, func() error {
				return classify("unassign vendor role", cn.cloud.Name,
					roles.Unassign(ctx, cn.identity, rid, roles.UnassignOpts{UserID: uid, ProjectID: pid}).ExtractErr())
			})
			if err != nil && !isNotFound(err) {
				return err
			}
		}
	}
	return nil
}
