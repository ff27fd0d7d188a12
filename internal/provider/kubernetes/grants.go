package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	"k8s.io/client-go/kubernetes"
)

// Grant is a vendor's time-limited role in a soberana project, as the
// driver needs it; internal/auth's grants map onto it.
type Grant struct {
	ID        string
	ProjectID string
	// UserID is the vendor's soberana user; the RoleBinding's subject is
	// the Kubernetes user Config.UserPrefix + UserID.
	UserID    string
	Role      string // developer or viewer
	ExpiresAt time.Time
}

// GrantMirror propagates grants to a provider. SyncGrants is the one a
// reconciler calls: it makes the project's RoleBindings equal the grants
// in force (so revocations and expiries disappear) in every cluster.
type GrantMirror interface {
	SyncGrants(ctx context.Context, providerID, projectID string, active []Grant) error
}

var _ GrantMirror = (*Driver)(nil)

// BindingName is the RoleBinding of a grant.
func BindingName(grantID string) string {
	return "soberana-grant-" + strings.ToLower(strings.ReplaceAll(grantID, "_", "-"))
}

// Subject is the Kubernetes user name of a soberana user.
func Subject(cfg *Config, userID string) string { return cfg.UserPrefix + userID }

func applyBinding(ctx context.Context, cfg *Config, c kubernetes.Interface, ns string, g Grant) error {
	role := cfg.Roles[g.Role]
	if role == "" {
		return fmt.Errorf("%w: no ClusterRole for grant role %q", ErrInvalidConfig, g.Role)
	}
	rb := rbacv1ac.RoleBinding(BindingName(g.ID), ns).
		WithLabels(map[string]string{LabelManaged: managedValue, LabelGrant: g.ID, LabelProject: g.ProjectID}).
		WithAnnotations(map[string]string{"soberana.io/expires-at": g.ExpiresAt.UTC().Format(time.RFC3339)}).
		WithSubjects(rbacv1ac.Subject().WithKind("User").WithAPIGroup("rbac.authorization.k8s.io").WithName(Subject(cfg, g.UserID))).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup("rbac.authorization.k8s.io").WithKind("ClusterRole").WithName(role))
	if _, err := c.RbacV1().RoleBindings(ns).Apply(ctx, rb, applyOpts); err != nil {
		return classify("apply role binding", err)
	}
	return nil
}

// SyncGrants makes the RoleBindings in every namespace of the project, in
// every cluster of the provider, equal the grants in force: it applies a
// RoleBinding per active, unexpired grant and deletes every other binding
// soberana made for the project. Idempotent.
func (d *Driver) SyncGrants(ctx context.Context, providerID, projectID string, active []Grant) error {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return err
	}
	now := time.Now()
	want := map[string]Grant{}
	for _, g := range active {
		if g.ProjectID == projectID && g.ExpiresAt.After(now) {
			want[BindingName(g.ID)] = g
		}
	}
	var errs []error
	for _, cl := range cfg.Clusters {
		c, err := d.client(providerID, cl)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		nss, err := c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{
			LabelSelector: labels.SelectorFromSet(labels.Set{LabelProject: projectID, LabelManaged: managedValue}).String()})
		if err != nil {
			errs = append(errs, classify("list namespaces", err))
			continue
		}
		for _, ns := range nss.Items {
			if ns.DeletionTimestamp != nil {
				continue
			}
			for _, g := range want {
				if err := applyBinding(ctx, &cfg, c, ns.Name, g); err != nil {
					errs = append(errs, err)
				}
			}
		}
		// Delete the project's bindings no grant in force names, wherever they are.
		rbs, err := c.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{
			LabelSelector: labels.SelectorFromSet(labels.Set{LabelProject: projectID, LabelManaged: managedValue}).String()})
		if err != nil {
			errs = append(errs, classify("list role bindings", err))
			continue
		}
		for _, rb := range rbs.Items {
			if _, ok := want[rb.Name]; ok {
				continue
			}
			err := c.RbacV1().RoleBindings(rb.Namespace).Delete(ctx, rb.Name, metav1.DeleteOptions{})
			if err != nil && !apierrors.IsNotFound(err) {
				errs = append(errs, classify("delete role binding", err))
			}
		}
	}
	return errors.Join(errs...)
}
