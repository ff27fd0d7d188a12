package openstack

import (
	"context"
	"fmt"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/quotasets"
	cquotas "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/domains"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/soberana/soberana/internal/provider"
)

// DomainName is the Keystone domain of an institution.
func DomainName(cfg *Config, institutionID string) string { return cfg.DomainPrefix + institutionID }

// ProjectName is the Keystone project of a soberana project.
func ProjectName(projectID string) string { return "soberana-" + projectID }

// findFirst is the first object of the first page list gives (nil: none).
func findFirst[T any](ctx context.Context, d *Driver, cn *conn, op string, list func() pagination.Pager,
	extract func(pagination.Page) ([]T, error)) (*T, error) {
	var found *T
	err := d.retry(ctx, func() error {
		err := list().EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			got, err := extract(p)
			if len(got) > 0 {
				found = &got[0]
			}
			return false, err
		})
		return classify(op, cn.cloud.Name, err)
	})
	return found, err
}

// idOf is id(v), or "" for none.
func idOf[T any](v *T, id func(*T) string) string {
	if v == nil {
		return ""
	}
	return id(v)
}

// ensureDomain returns the id of the named domain, creating it.
func (d *Driver) ensureDomain(ctx context.Context, cn *conn, name, desc string) (string, error) {
	found, err := findFirst(ctx, d, cn, "find domain", func() pagination.Pager {
		return domains.List(cn.identity, domains.ListOpts{Name: name})
	}, domains.ExtractDomains)
	if err != nil || found != nil {
		return idOf(found, func(v *domains.Domain) string { return v.ID }), err
	}
	dom, err := domains.Create(ctx, cn.identity, domains.CreateOpts{Name: name, Description: desc}).Extract()
	if err != nil {
		if e := classify("create domain", cn.cloud.Name, err); isConflict(e) {
			return d.ensureDomain(ctx, cn, name, desc)
		} else {
			return "", e
		}
	}
	return dom.ID, nil
}

// ensureKeystoneProject returns the id of a project in a domain, creating
// it tagged with this installation's id; a project found by name is
// claimed (see claimProject).
func (d *Driver) ensureKeystoneProject(ctx context.Context, cn *conn, domainID, name, desc string) (string, error) {
	found, err := findFirst(ctx, d, cn, "find project", func() pagination.Pager {
		return projects.List(cn.identity, projects.ListOpts{Name: name, DomainID: domainID})
	}, projects.ExtractProjects)
	if err != nil {
		return "", err
	}
	if found != nil {
		return found.ID, d.claimProject(ctx, cn, *found)
	}
	opts := projects.CreateOpts{Name: name, DomainID: domainID, Description: desc}
	if d.Installation != "" {
		opts.Tags = []string{InstallationTag(d.Installation)}
		opts.Description += " (soberana installation " + d.Installation + ")"
	}
	p, err := projects.Create(ctx, cn.identity, opts).Extract()
	if err != nil {
		if e := classify("create project", cn.cloud.Name, err); isConflict(e) {
			return d.ensureKeystoneProject(ctx, cn, domainID, name, desc)
		} else {
			return "", e
		}
	}
	return p.ID, nil
}

func isConflict(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Status == 409
}

// roleID returns the id of a role by name.
func (d *Driver) roleID(ctx context.Context, cn *conn, name string) (string, error) {
	role, err := findFirst(ctx, d, cn, "find role", func() pagination.Pager {
		return roles.List(cn.identity, roles.ListOpts{Name: name})
	}, roles.ExtractRoles)
	id := idOf(role, func(v *roles.Role) string { return v.ID })
	if err == nil && id == "" {
		err = &Error{Reason: ReasonBadRequest, Op: "find role", Cloud: cn.cloud.Name, Detail: "no role " + name}
	}
	return id, err
}

// selfUserID is the Keystone user id of the driver's credential.
func selfUserID(cn *conn) (string, error) {
	switch r := cn.pc.GetAuthResult().(type) {
	case tokens.CreateResult:
		u, err := r.ExtractUser()
		if err != nil {
			return "", err
		}
		return u.ID, nil
	case *tokens.CreateResult:
		u, err := r.ExtractUser()
		if err != nil {
			return "", err
		}
		return u.ID, nil
	}
	return "", fmt.Errorf("openstack: cannot tell the credential's user")
}

// ensureProject gives a soberana project its Keystone project, in the
// domain of its institution, and lets the driver's user act in it.
func (d *Driver) ensureProject(ctx context.Context, providerID string, cfg *Config, cn *conn, t Tenant) (string, error) {
	key := providerID + "/" + cn.cloud.Name + "/" + t.ProjectID
	d.mu.Lock()
	id := d.projects[key]
	d.mu.Unlock()
	if id != "" {
		return id, nil
	}
	// the first replicas of a project arrive together: one makes the project
	defer d.replicaLock("project:" + key)()
	d.mu.Lock()
	id = d.projects[key]
	d.mu.Unlock()
	if id != "" {
		return id, nil
	}
	dom, err := d.ensureDomain(ctx, cn, DomainName(cfg, t.InstitutionID), "soberana institution "+t.InstitutionName)
	if err != nil {
		return "", err
	}
	id, err = d.ensureKeystoneProject(ctx, cn, dom, ProjectName(t.ProjectID), "soberana project "+t.ProjectName)
	if err != nil {
		return "", err
	}
	uid, err := selfUserID(cn)
	if err != nil {
		return "", err
	}
	rid, err := d.roleID(ctx, cn, "member")
	if err != nil {
		return "", err
	}
	if err := d.retry(ctx, func() error {
		return classify("assign role", cn.cloud.Name, roles.Assign(ctx, cn.identity, rid, roles.AssignOpts{UserID: uid, ProjectID: id}).ExtractErr())
	}); err != nil {
		return "", err
	}
	d.mu.Lock()
	d.projects[key] = id
	d.tenants[cn.cloud.Name+"/"+id] = t.ProjectID
	d.mu.Unlock()
	return id, nil
}

// ensureQuota sets the project's Nova (and Cinder) quotas to what its
// replicas on the provider need, never below what is in use plus this
// replica (two replicas created at once both count).
func (d *Driver) ensureQuota(ctx context.Context, providerID string, cn *conn, pid string, t Tenant, spec provider.Spec) error {
	qkey := cn.cloud.Name + "/" + pid
	d.postponeShrink(qkey)
	defer d.replicaLock("quota:" + qkey)()
	// Read the needs under the lock: a burst of creates waits here for one
	// quota update, which then covers every workload committed meanwhile.
	need, err := d.look.ProjectNeeds(ctx, t.ProjectID, providerID)
	if err != nil {
		return fmt.Errorf("openstack quota: reading needs of project %s: %w", t.ProjectID, err)
	}
	d.mu.Lock()
	set, ok := d.quotas[qkey]
	d.mu.Unlock()
	if ok && set.Instances >= max(need.Instances, 1) && set.VCPUs >= max(need.VCPUs, spec.VCPUs) &&
		set.MemoryMiB >= max(need.MemoryMiB, spec.MemoryMiB) {
		return nil // what we set already holds them (a quota error makes us read again)
	}
	var (
		q                cquotas.QuotaDetailSet
		inst, cores, ram int
	)
	if ok {
		// We set the limits last and no create has met a quota error
		// since (that forgets them): raise them to the need without
		// reading the usage first, one call instead of two in a burst.
		inst = max(int(need.Instances), 1)
		cores = max(int(need.VCPUs), int(spec.VCPUs))
		ram = max(int(need.MemoryMiB), int(spec.MemoryMiB))
		q.Instances.Limit, q.Cores.Limit, q.RAM.Limit = -2, -2, -2 // unknown: always set
	} else {
		if err := d.retry(ctx, func() error {
			var err error
			q, err = cquotas.GetDetail(ctx, cn.compute, pid).Extract()
			return classify("get quota", cn.cloud.Name, err)
		}); err != nil {
			return err
		}
		inst = max(int(need.Instances), q.Instances.InUse+1)
		cores = max(int(need.VCPUs), q.Cores.InUse+int(spec.VCPUs))
		ram = max(int(need.MemoryMiB), q.RAM.InUse+int(spec.MemoryMiB))
	}
	if q.Instances.Limit == inst && q.Cores.Limit == cores && q.RAM.Limit == ram {
		d.mu.Lock()
		d.quotas[qkey] = Needs{Instances: int64(inst), VCPUs: int64(cores), MemoryMiB: int64(ram)}
		d.mu.Unlock()
		return nil
	}
	if err := d.retry(ctx, func() error {
		_, err := cquotas.Update(ctx, cn.compute, pid, cquotas.UpdateOpts{Instances: &inst, Cores: &cores, RAM: &ram}).Extract()
		return classify("set compute quota", cn.cloud.Name, err)
	}); err != nil {
		return err
	}
	d.mu.Lock()
	d.quotas[qkey] = Needs{Instances: int64(inst), VCPUs: int64(cores), MemoryMiB: int64(ram)}
	d.mu.Unlock()
	if cn.volume != nil {
		gb, vols := max(int(need.DiskGiB), 1), max(int(need.Volumes), 1)
		err := classify("set volume quota", cn.cloud.Name,
			quotasets.Update(ctx, cn.volume, pid, quotasets.UpdateOpts{Gigabytes: &gb, Volumes: &vols}).Err)
		if err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// DefaultQuotaShrinkDelay is how long a Keystone project must go without
// a create or delete of ours before its quotas are lowered to what the
// soberana project's workloads still need. A burst of deletes costs one
// lowering, Nova has freed the usage by then (a limit cannot go below it),
// and a project that deletes to redeploy keeps its quota for the new
// servers rather than paying a lowering and a raise: raising costs a
// burst of creates one or two PUTs (0.3-0.4 s each on the test cloud)
// before its first server. Five minutes covers a redeploy by a pipeline;
// one minute did not cover two bursts of the benchmark a minute apart.
const DefaultQuotaShrinkDelay = 5 * time.Minute

// quotaShrinkAttempts bounds the lowerings tried while deletes are still
// completing (each QuotaShrinkDelay apart).
const quotaShrinkAttempts = 6

// postponeShrink pushes back a pending lowering of the project's quotas: a
// create is under way (see DefaultQuotaShrinkDelay).
func (d *Driver) postponeShrink(qkey string) {
	d.mu.Lock()
	if t, ok := d.shrinks[qkey]; ok {
		t.Reset(d.QuotaShrinkDelay)
	}
	d.mu.Unlock()
}

// scheduleShrink lowers, QuotaShrinkDelay after the last call for the
// Keystone project, its quotas to what the soberana project still needs.
func (d *Driver) scheduleShrink(providerID string, cn *conn, pid, projectID string) {
	if d.QuotaShrinkDelay <= 0 || pid == "" || projectID == "" {
		return
	}
	qkey := cn.cloud.Name + "/" + pid
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.shrinks[qkey]; ok {
		t.Reset(d.QuotaShrinkDelay)
		return
	}
	var (
		tm       *time.Timer
		attempts int
	)
	tm = time.AfterFunc(d.QuotaShrinkDelay, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		again, err := d.shrinkQuota(ctx, providerID, cn, pid, projectID)
		cancel()
		d.mu.Lock()
		defer d.mu.Unlock()
		attempts++
		if (again || err != nil) && attempts < quotaShrinkAttempts {
			tm.Reset(d.QuotaShrinkDelay)
			return
		}
		if err != nil {
			d.Log.Warn("lowering the quotas of a Keystone project failed; the next create sets them again",
				"cloud", cn.cloud.Name, "keystone_project", pid, "err", err)
		}
		if d.shrinks[qkey] == tm {
			delete(d.shrinks, qkey)
		}
	})
	d.shrinks[qkey] = tm
}

// shrinkQuota lowers the Keystone project's Nova limits to what the
// soberana project's live replicas on the provider need, never below what
// is in use; again reports usage still above the need (deletes that have
// not completed), worth another try later. Limits are only lowered here:
// raising is ensureQuota's, on the create that needs it.
func (d *Driver) shrinkQuota(ctx context.Context, providerID string, cn *conn, pid, projectID string) (again bool, err error) {
	qkey := cn.cloud.Name + "/" + pid
	// The usage is read before the quota lock, so that creates wait for one
	// call at most: a server created meanwhile belongs to a replica that
	// the need, read under the lock, counts.
	var q cquotas.QuotaDetailSet
	if err := d.retry(ctx, func() error {
		var err error
		q, err = cquotas.GetDetail(ctx, cn.compute, pid).Extract()
		return classify("get quota", cn.cloud.Name, err)
	}); err != nil {
		return false, err
	}
	defer d.replicaLock("quota:" + qkey)()
	need, err := d.look.ProjectNeeds(ctx, projectID, providerID)
	if err != nil {
		return false, fmt.Errorf("openstack quota: reading needs of project %s: %w", projectID, err)
	}
	d.mu.Lock()
	if set, ok := d.quotas[qkey]; ok {
		// a create may have raised the limits since they were read
		q.Instances.Limit, q.Cores.Limit, q.RAM.Limit = int(set.Instances), int(set.VCPUs), int(set.MemoryMiB)
	}
	d.mu.Unlock()
	lower := func(qd cquotas.QuotaDetail, need int64) (int, bool) {
		target := max(int(need), qd.InUse)
		if qd.Limit >= 0 && target >= qd.Limit {
			return qd.Limit, false
		}
		return target, true
	}
	inst, li := lower(q.Instances, need.Instances)
	cores, lc := lower(q.Cores, need.VCPUs)
	ram, lr := lower(q.RAM, need.MemoryMiB)
	again = int64(q.Instances.InUse) > need.Instances || int64(q.Cores.InUse) > need.VCPUs || int64(q.RAM.InUse) > need.MemoryMiB
	if li || lc || lr {
		if err := d.retry(ctx, func() error {
			_, err := cquotas.Update(ctx, cn.compute, pid, cquotas.UpdateOpts{Instances: &inst, Cores: &cores, RAM: &ram}).Extract()
			return classify("set compute quota", cn.cloud.Name, err)
		}); err != nil {
			return again, err
		}
		d.Log.Debug("lowered the quotas of a Keystone project", "cloud", cn.cloud.Name, "keystone_project", pid,
			"instances", inst, "cores", cores, "ram_mib", ram)
	}
	if inst >= 0 && cores >= 0 && ram >= 0 {
		d.mu.Lock()
		d.quotas[qkey] = Needs{Instances: int64(inst), VCPUs: int64(cores), MemoryMiB: int64(ram)}
		d.mu.Unlock()
	}
	return again, nil
}
