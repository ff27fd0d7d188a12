package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
)

var edgeGroups = &entity[model.EdgeGroup]{
	table:   "edge_groups",
	cols:    []string{"provider_id", "name", "kind", "description"},
	filters: map[string]bool{"provider_id": true, "name": true, "kind": true},
	meta:    func(v *model.EdgeGroup) *model.Meta { return &v.Meta },
	values: func(v *model.EdgeGroup) []any {
		return []any{v.ProviderID, v.Name, v.Kind, v.Description}
	},
	scanDest: func(v *model.EdgeGroup) []any {
		return []any{&v.ProviderID, &v.Name, &v.Kind, &v.Description}
	},
}

var subclouds = &entity[model.Subcloud]{
	table:   "subclouds",
	cols:    []string{"provider_id", "group_id", "name", "endpoint", "public_key", "revoked_at"},
	filters: map[string]bool{"provider_id": true, "group_id": true, "name": true},
	meta:    func(v *model.Subcloud) *model.Meta { return &v.Meta },
	values: func(v *model.Subcloud) []any {
		var rev int64
		if v.RevokedAt != nil {
			rev = micros(*v.RevokedAt)
		}
		return []any{v.ProviderID, v.GroupID, v.Name, v.Endpoint, v.PublicKey, rev}
	},
	scanDest: func(v *model.Subcloud) []any {
		return []any{&v.ProviderID, &v.GroupID, &v.Name, &v.Endpoint, &v.PublicKey, revokedMicros{&v.RevokedAt}}
	},
}

// revokedMicros scans BIGINT microseconds, 0 meaning none, into a *time.Time.
type revokedMicros struct{ t **time.Time }

func (o revokedMicros) Scan(src any) error {
	var n int64
	switch v := src.(type) {
	case int64:
		n = v
	case nil:
	default:
		return fmt.Errorf("revoked_at: unexpected %T", src)
	}
	if n == 0 {
		*o.t = nil
		return nil
	}
	t := fromMicros(n)
	*o.t = &t
	return nil
}

// EdgeGroups is the edge group repository.
func (t *Tx) EdgeGroups() Repo[model.EdgeGroup] { return Repo[model.EdgeGroup]{t, edgeGroups} }

// Subclouds is the subcloud repository; SiteIDs are filled by
// SubcloudSites.
func (t *Tx) Subclouds() Repo[model.Subcloud] { return Repo[model.Subcloud]{t, subclouds} }

// CreateMany inserts vs in multi-row statements (ids, times and version
// as Create), a few hundred rows each: a bulk import of 10,000 rows is a
// few dozen round trips, not 10,000.
func (r Repo[T]) CreateMany(ctx context.Context, vs []T, idPrefix string) error {
	if len(vs) == 0 {
		return nil
	}
	now := r.tx.Now()
	per := 4 + len(r.e.cols)
	batch := max(1, 30000/per/2) // well under SQLite's and PostgreSQL's parameter limits
	row := "(" + placeholders(per) + ")"
	for start := 0; start < len(vs); start += batch {
		end := min(start+batch, len(vs))
		args := make([]any, 0, (end-start)*per)
		rows := make([]string, 0, end-start)
		for i := start; i < end; i++ {
			m := r.e.meta(&vs[i])
			if m.ID == "" {
				m.ID = model.NewID(idPrefix)
			}
			m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
			args = append(args, m.ID, micros(now), micros(now), m.Version)
			args = append(args, r.e.values(&vs[i])...)
			rows = append(rows, row)
		}
		q := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", r.e.table, r.e.allCols(), strings.Join(rows, ", "))
		if _, err := r.tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("creating %s: %w", r.e.table, err)
		}
	}
	return r.wrote(ctx)
}

// LinkSubcloudSites records which sites belong to which subcloud
// (siteToSubcloud: site id → subcloud id), in multi-row statements.
func (t *Tx) LinkSubcloudSites(ctx context.Context, pairs [][2]string) error {
	const batch = 2000
	for start := 0; start < len(pairs); start += batch {
		end := min(start+batch, len(pairs))
		args := make([]any, 0, 2*(end-start))
		rows := make([]string, 0, end-start)
		for _, p := range pairs[start:end] {
			args = append(args, p[0], p[1])
			rows = append(rows, "(?, ?)")
		}
		if _, err := t.Exec(ctx, "INSERT INTO subcloud_sites (site_id, subcloud_id) VALUES "+strings.Join(rows, ", "), args...); err != nil {
			return fmt.Errorf("linking subcloud sites: %w", err)
		}
	}
	return nil
}

// FillSubcloudSites sets SiteIDs of each subcloud, in id order.
func (t *Tx) FillSubcloudSites(ctx context.Context, scs []model.Subcloud) error {
	if len(scs) == 0 {
		return nil
	}
	idx := make(map[string]int, len(scs))
	args := make([]any, len(scs))
	for i := range scs {
		idx[scs[i].ID] = i
		args[i] = scs[i].ID
		scs[i].SiteIDs = []string{}
	}
	rows, err := t.Query(ctx, "SELECT subcloud_id, site_id FROM subcloud_sites WHERE subcloud_id IN ("+placeholders(len(scs))+") ORDER BY site_id", args...)
	if err != nil {
		return fmt.Errorf("reading subcloud sites: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sc, site string
		if err := rows.Scan(&sc, &site); err != nil {
			return mapErr(err)
		}
		if i, ok := idx[sc]; ok {
			scs[i].SiteIDs = append(scs[i].SiteIDs, site)
		}
	}
	return mapErr(rows.Err())
}

// EdgeNames returns the subcloud and site names already taken on a
// provider (an import must not repeat them).
func (t *Tx) EdgeNames(ctx context.Context, providerID string) (map[string]bool, error) {
	taken := map[string]bool{}
	for _, q := range []string{"SELECT name FROM subclouds WHERE provider_id = ?", "SELECT name FROM sites WHERE provider_id = ?"} {
		rows, err := t.Query(ctx, q, providerID)
		if err != nil {
			return nil, fmt.Errorf("reading edge names: %w", err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			taken[n] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return taken, nil
}

// EdgeCredentials returns every subcloud's credential with its sites.
func (t *Tx) EdgeCredentials(ctx context.Context) (map[string]*model.EdgeCredential, error) {
	out := map[string]*model.EdgeCredential{}
	rows, err := t.Query(ctx, "SELECT id, provider_id, public_key, revoked_at FROM subclouds")
	if err != nil {
		return nil, fmt.Errorf("reading edge credentials: %w", err)
	}
	for rows.Next() {
		var c model.EdgeCredential
		var rev int64
		if err := rows.Scan(&c.SubcloudID, &c.ProviderID, &c.PublicKey, &rev); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		c.Revoked = rev != 0
		out[c.SubcloudID] = &c
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, mapErr(err)
	}
	rows, err = t.Query(ctx, "SELECT subcloud_id, site_id FROM subcloud_sites ORDER BY site_id")
	if err != nil {
		return nil, fmt.Errorf("reading subcloud sites: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sc, site string
		if err := rows.Scan(&sc, &site); err != nil {
			return nil, mapErr(err)
		}
		if c, ok := out[sc]; ok {
			c.SiteIDs = append(c.SiteIDs, site)
		}
	}
	return out, mapErr(rows.Err())
}

// GroupSite is one site of an edge group and its provider.
type GroupSite struct {
	SiteID     string
	ProviderID string
}

// EdgeGroupSites returns the sites of an edge group's subclouds, in
// subcloud name then site id order.
func (t *Tx) EdgeGroupSites(ctx context.Context, groupID string) ([]GroupSite, error) {
	rows, err := t.Query(ctx, `SELECT ss.site_id, s.provider_id FROM subclouds sc
		JOIN subcloud_sites ss ON ss.subcloud_id = sc.id
		JOIN sites s ON s.id = ss.site_id
		WHERE sc.group_id = ? ORDER BY sc.name, ss.site_id`, groupID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []GroupSite
	for rows.Next() {
		var g GroupSite
		if err := rows.Scan(&g.SiteID, &g.ProviderID); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}
