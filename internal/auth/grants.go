package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// GrantSpec asks for a vendor grant (model.GrantSpec).
type GrantSpec = model.GrantSpec

// GrantRoles are the roles a vendor may be granted.
var GrantRoles = []string{RoleDeveloper, RoleViewer}

// GrantError names the invalid field of a grant request.
type GrantError struct{ Field, Reason string }

func (e *GrantError) Error() string { return "invalid grant: " + e.Field + ": " + e.Reason }

// Unwrap makes a GrantError an ErrInvalid.
func (e *GrantError) Unwrap() error { return ErrInvalid }

// CreateGrant validates spec and stores the grant (authorization is the
// route's: grants:write at the project).
func (s *Service) CreateGrant(ctx context.Context, tx *store.Tx, by *Principal, spec GrantSpec) (model.Grant, error) {
	now := s.Now()
	var g model.Grant
	if spec.ExpiresAt == nil {
		return g, &GrantError{"expires_at", "required"}
	}
	if !spec.ExpiresAt.After(now) {
		return g, &GrantError{"expires_at", "past"}
	}
	if spec.ExpiresAt.Sub(now) > s.opt.MaxGrant {
		return g, &GrantError{"expires_at", "too-far"}
	}
	okRole := false
	for _, r := range GrantRoles {
		okRole = okRole || r == spec.Role
	}
	if !okRole {
		return g, &GrantError{"role", "role"}
	}
	cidrs := make([]string, 0, len(spec.SourceCIDRs))
	for _, c := range spec.SourceCIDRs {
		c = strings.TrimSpace(c)
		pfx, err := netip.ParsePrefix(c)
		if err != nil {
			addr, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return g, &GrantError{"source_cidrs", "cidr"}
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		cidrs = append(cidrs, pfx.Masked().String())
	}
	proj, err := tx.Projects().Get(ctx, spec.ProjectID)
	if errors.Is(err, store.ErrNotFound) {
		return g, &GrantError{"project_id", "reference"}
	}
	if err != nil {
		return g, err
	}
	// Nobody grants what they do not hold.
	if err := by.HoldsRole(spec.Role, Project, Target{Institution: proj.InstitutionID, Project: proj.ID}); err != nil {
		return g, err
	}
	var u model.User
	switch {
	case spec.UserID != "":
		u, err = tx.UserByID(ctx, spec.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return g, &GrantError{"user_id", "reference"}
		}
	case strings.Contains(spec.Email, "@"):
		u, err = tx.UserByEmail(ctx, spec.Email)
		if errors.Is(err, store.ErrNotFound) {
			u = model.User{Email: spec.Email, Name: spec.Email}
			err = tx.CreateUser(ctx, &u)
		}
	default:
		return g, &GrantError{"user_id", "required"}
	}
	if err != nil {
		return g, err
	}
	g = model.Grant{ProjectID: proj.ID, InstitutionID: proj.InstitutionID, UserID: u.ID, Role: spec.Role,
		SourceCIDRs: cidrs, Reason: spec.Reason, ExpiresAt: spec.ExpiresAt.UTC().Truncate(time.Microsecond), CreatedBy: by.ActorID()}
	if err := tx.CreateGrant(ctx, &g); err != nil {
		return g, fmt.Errorf("creating grant: %w", err)
	}
	return g, nil
}

// ActiveGrants returns the grants of a project in force now, for provider
// drivers that mirror them (Keystone role assignments or application
// credentials, Kubernetes RoleBindings).
func (s *Service) ActiveGrants(ctx context.Context, projectID string) ([]model.Grant, error) {
	now := s.Now()
	return s.st.Read().ListGrants(ctx, store.GrantFilter{ProjectID: projectID, ActiveAt: &now})
}

// GrantChanges returns the grant change feed after seq: reconcilers poll
// it, then call ActiveGrants for each project named, and mirror the result.
// Expiries enter the feed when NoteExpiredGrants runs.
func (s *Service) GrantChanges(ctx context.Context, after int64, limit int) ([]model.GrantChange, error) {
	return s.st.Read().GrantChanges(ctx, after, limit)
}

// NoteExpiredGrants adds an "expired" change for every grant that has
// expired since the last call (the "expire grants" reconciler). Access
// itself ends at expiry whether or not this has run.
func (s *Service) NoteExpiredGrants(ctx context.Context) (int, error) {
	var n int
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.NoteExpiredGrants(ctx, s.Now())
		return err
	})
	return n, err
}
