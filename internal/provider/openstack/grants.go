package openstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// Grant is a vendor's time-limited role in a soberana project, as the
// driver needs it. The grants of internal/auth map onto it.
type Grant struct {
	ID            string
	ProjectID     string // soberana project
	ProjectName   string
	InstitutionID string
	// VendorID names the vendor (one Keystone user per vendor).
	VendorID  string
	ExpiresAt time.Time
}

// GrantMirror propagates grants to a provider: Mirror on creation,
// Withdraw on revocation or expiry. Both are idempotent. The grant
// reconciler (expire grants) calls Withdraw when ExpiresAt passes: Keystone
// role assignments themselves do not expire.
type GrantMirror interface {
	MirrorGrant(ctx context.Context, providerID string, g Grant) error
	WithdrawGrant(ctx context.Context, providerID string, g Grant) error
}

// VendorDomain is the Keystone domain of vendor users.
func VendorDomain(cfg *Config) string { return cfg.DomainPrefix + "vendors" }

// VendorUser is the Keystone user name of a vendor.
func VendorUser(vendorID string) string { return "vendor-" + vendorID }

// ensureVendorUser returns the id of the vendor's user, creating it with a
// random password nobody knows (the vendor gets in through federation or
// an application credential it creates itself once it has the role).
func (d *Driver) ensureVendorUser(ctx context.Context, cfg *Config, cn *conn, vendorID string, create bool) (string, error) {
	dom, err := d.ensureDomain(ctx, cn, VendorDomain(cfg), "soberana vendors")
	if err != nil {
		return "", err
	}
	user, err := findFirst(ctx, d, cn, "find vendor user", func() pagination.Pager {
		return users.List(cn.identity, users.ListOpts{Name: VendorUser(vendorID), DomainID: dom})
	}, users.ExtractUsers)
	id := idOf(user, func(v *users.User) string { return v.ID })
	if err != nil || id != "" || !create {
		return id, err
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	u, err := users.Create(ctx, cn.identity, users.CreateOpts{Name: VendorUser(vendorID), DomainID: dom,
		Password: hex.EncodeToString(b[:]), Description: "soberana vendor " + vendorID}).Extract()
	if err != nil {
		e := classify("create vendor user", cn.cloud.Name, err)
		if isConflict(e) {
			return d.ensureVendorUser(ctx, cfg, cn, vendorID, create)
		}
		return "", e
	}
	return u.ID, nil
}

// MirrorGrant gives the vendor's Keystone user the vendor role on the
// project's Keystone project, in every cloud of the provider.
func (d *Driver) MirrorGrant(ctx context.Context, providerID string, g Grant) error {
	return d.eachGrantCloud(ctx, providerID, g, true, func(cn *conn, uid, pid, rid string) error {
		return d.retry(ctx, func() error {
			return classify("assign vendor role", cn.cloud.Name,
				roles.Assign(ctx, cn.identity, rid, roles.AssignOpts{UserID: uid, ProjectID: pid}).ExtractErr())
		})
	})
}

// WithdrawGrant removes the vendor's role assignment; withdrawing what is
// not there succeeds.
func (d *Driver) WithdrawGrant(ctx context.Context, providerID string, g Grant) error {
	return d.eachGrantCloud(ctx, providerID, g, false, func(cn *conn, uid, pid, rid string) error {
		if uid == "" {
			return nil
		}
		return d.retry(ctx, func() error {
			err := classify("unassign vendor role", cn.cloud.Name,
				roles.Unassign(ctx, cn.identity, rid, roles.UnassignOpts{UserID: uid, ProjectID: pid}).ExtractErr())
			if isNotFound(err) {
				return nil
			}
			return err
		})
	})
}

func (d *Driver) eachGrantCloud(ctx context.Context, providerID string, g Grant, create bool, fn func(cn *conn, uid, pid, rid string) error) error {
	return d.eachCloud(ctx, providerID, func(cfg *Config, cn *conn) error {
		pid, err := d.ensureProject(ctx, providerID, cfg, cn, Tenant{ProjectID: g.ProjectID, ProjectName: g.ProjectName, InstitutionID: g.InstitutionID})
		if err != nil {
			return err
		}
		uid, err := d.ensureVendorUser(ctx, cfg, cn, g.VendorID, create)
		if err != nil {
			return err
		}
		rid, err := d.roleID(ctx, cn, cfg.VendorRole)
		if err != nil {
			return err
		}
		return fn(cn, uid, pid, rid)
	})
}

// HasGrant reports whether the vendor's user holds the vendor role on the
// project in the provider's first cloud (for checks and tests).
func (d *Driver) HasGrant(ctx context.Context, providerID string, g Grant) (bool, error) {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return false, err
	}
	cn, err := d.conn(ctx, providerID, cfg.Clouds[0])
	if err != nil {
		return false, err
	}
	pid, err := d.ensureProject(ctx, providerID, &cfg, cn, Tenant{ProjectID: g.ProjectID, InstitutionID: g.InstitutionID})
	if err != nil {
		return false, err
	}
	uid, err := d.ensureVendorUser(ctx, &cfg, cn, g.VendorID, false)
	if err != nil || uid == "" {
		return false, err
	}
	rid, err := d.roleID(ctx, cn, cfg.VendorRole)
	if err != nil {
		return false, err
	}
	found := false
	err = roles.ListAssignments(cn.identity, roles.ListAssignmentsOpts{UserID: uid, ScopeProjectID: pid, RoleID: rid}).EachPage(ctx,
		func(_ context.Context, p pagination.Page) (bool, error) {
			list, err := roles.ExtractRoleAssignments(p)
			found = found || len(list) > 0
			return true, err
		})
	return found, classify("list role assignments", cn.cloud.Name, err)
}
