package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// ---- users ----

const userCols = "id, email, name, password_hash, oidc_issuer, oidc_subject, disabled, failed_logins, locked_until, last_login_at, created_at, updated_at, version"

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.OIDCIssuer, &u.OIDCSubject, &u.Disabled,
		&u.FailedLogins, nullTime{&u.LockedUntil}, nullTime{&u.LastLoginAt}, microsCol{&u.CreatedAt}, microsCol{&u.UpdatedAt}, &u.Version)
	return u, mapErr(err)
}

// stamp gives a new identity row its id (when empty), times and version
// 1, as Repo.Create does for the nouns; it answers the time.
func (t *Tx) stamp(m *model.Meta, idPrefix string) time.Time {
	if m.ID == "" {
		m.ID = model.NewID(idPrefix)
	}
	now := t.Now()
	m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
	return now
}

// CreateUser inserts a user.
func (t *Tx) CreateUser(ctx context.Context, u *model.User) error {
	now := t.stamp(&u.Meta, "usr")
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	_, err := t.Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?, 1)`,
		u.ID, u.Email, u.Name, u.PasswordHash, u.OIDCIssuer, u.OIDCSubject, u.Disabled, micros(now), micros(now))
	if err != nil {
		return fmt.Errorf("creating user: %w", err)
	}
	return nil
}

// UserByID loads a user.
func (t *Tx) UserByID(ctx context.Context, id string) (model.User, error) {
	u, err := scanUser(t.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, fmt.Errorf("getting user %s: %w", id, err)
	}
	return u, nil
}

// UserByEmail loads a user by e-mail (case-insensitive).
func (t *Tx) UserByEmail(ctx context.Context, email string) (model.User, error) {
	u, err := scanUser(t.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return u, fmt.Errorf("getting user by e-mail: %w", err)
	}
	return u, nil
}

// UserByOIDC loads a user by OpenID issuer and subject.
func (t *Tx) UserByOIDC(ctx context.Context, issuer, subject string) (model.User, error) {
	u, err := scanUser(t.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`, issuer, subject))
	if err != nil {
		return u, fmt.Errorf("getting user by OpenID subject: %w", err)
	}
	return u, nil
}

// ListUsers pages users by id.
func (t *Tx) ListUsers(ctx context.Context, after string, limit int) ([]model.User, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return queryAll(ctx, t, "users", `SELECT `+userCols+` FROM users WHERE id > ? ORDER BY id LIMIT `+fmt.Sprint(limit), []any{after},
		func(rows *sql.Rows) (model.User, error) { return scanUser(rows) })
}

// UpdateUserProfile sets name, e-mail, password hash, OIDC identity and
// the disabled flag.
func (t *Tx) UpdateUserProfile(ctx context.Context, u *model.User) error {
	now := t.Now()
	res, err := t.Exec(ctx, `UPDATE users SET email = ?, name = ?, password_hash = ?, oidc_issuer = ?, oidc_subject = ?,
		disabled = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		strings.ToLower(strings.TrimSpace(u.Email)), u.Name, u.PasswordHash, u.OIDCIssuer, u.OIDCSubject, u.Disabled, micros(now), u.ID)
	if err != nil {
		return fmt.Errorf("updating user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("updating user %s: %w", u.ID, ErrNotFound)
	}
	if err := t.authChanged(ctx); err != nil {
		return err
	}
	u.UpdatedAt = now
	u.Version++
	return nil
}

// RecordLogin notes a sign-in attempt: success resets the failure count,
// failure increments it and sets lockedUntil (nil: no lock).
func (t *Tx) RecordLogin(ctx context.Context, userID string, ok bool, lockedUntil *time.Time) error {
	var err error
	if ok {
		_, err = t.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?`, micros(t.Now()), userID)
	} else {
		_, err = t.Exec(ctx, `UPDATE users SET failed_logins = failed_logins + 1, locked_until = ? WHERE id = ?`, nullMicros(lockedUntil), userID)
	}
	return err
}

// ---- role bindings ----

// CreateRoleBinding inserts a binding.
func (t *Tx) CreateRoleBinding(ctx context.Context, b *model.RoleBinding) error {
	if b.ID == "" {
		b.ID = model.NewID("rb")
	}
	b.CreatedAt = t.Now()
	_, err := t.Exec(ctx, `INSERT INTO role_bindings (id, user_id, role, scope_kind, scope_id, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.UserID, b.Role, b.ScopeKind, b.ScopeID, b.Source, micros(b.CreatedAt))
	if err != nil {
		return fmt.Errorf("creating role binding: %w", err)
	}
	return t.authChanged(ctx)
}

// DeleteRoleBinding removes a binding.
func (t *Tx) DeleteRoleBinding(ctx context.Context, id string) error {
	res, err := t.Exec(ctx, `DELETE FROM role_bindings WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deleting role binding %s: %w", id, ErrNotFound)
	}
	return t.authChanged(ctx)
}

// DeleteRoleBindingsBySource removes a user's bindings of one source
// (claims mapped from an OpenID provider are replaced at each sign-in).
func (t *Tx) DeleteRoleBindingsBySource(ctx context.Context, userID, source string) error {
	if _, err := t.Exec(ctx, `DELETE FROM role_bindings WHERE user_id = ? AND source = ?`, userID, source); err != nil {
		return err
	}
	return t.authChanged(ctx)
}

const roleBindingCols = `SELECT id, user_id, role, scope_kind, scope_id, source, created_at FROM role_bindings`

func scanRoleBinding(row interface{ Scan(...any) error }) (model.RoleBinding, error) {
	var b model.RoleBinding
	err := row.Scan(&b.ID, &b.UserID, &b.Role, &b.ScopeKind, &b.ScopeID, &b.Source, microsCol{&b.CreatedAt})
	return b, mapErr(err)
}

// RoleBindingByID loads one binding.
func (t *Tx) RoleBindingByID(ctx context.Context, id string) (model.RoleBinding, error) {
	b, err := scanRoleBinding(t.QueryRow(ctx, roleBindingCols+` WHERE id = ?`, id))
	if err != nil {
		return b, fmt.Errorf("getting role binding %s: %w", id, err)
	}
	return b, nil
}

// RoleBindings lists bindings, of one user when userID is not empty.
func (t *Tx) RoleBindings(ctx context.Context, userID string) ([]model.RoleBinding, error) {
	q, args := whereIf(roleBindingCols, "user_id", userID)
	return queryAll(ctx, t, "role bindings", q+` ORDER BY id`, args, func(rows *sql.Rows) (model.RoleBinding, error) {
		return scanRoleBinding(rows)
	})
}

// ---- tokens ----

const apiTokenCols = "id, name, role, hash, expires_at, last_used_at, revoked, created_at, updated_at, version, kind, user_id, scope_kind, scope_id, created_by, last_used_ip" +
	", grant_id, institution_id"

func scanAPIToken(row interface{ Scan(...any) error }) (model.APIToken, error) {
	var tok model.APIToken
	err := row.Scan(&tok.ID, &tok.Name, &tok.Role, &tok.Hash, nullTime{&tok.ExpiresAt}, nullTime{&tok.LastUsed}, &tok.Revoked,
		microsCol{&tok.CreatedAt}, microsCol{&tok.UpdatedAt}, &tok.Version,
		&tok.Kind, &tok.UserID, &tok.ScopeKind, &tok.ScopeID, &tok.CreatedBy, &tok.LastUsedIP,
		&tok.GrantID, &tok.InstitutionID)
	return tok, mapErr(err)
}

// CreateAPIToken stores a token with its kind, owner and scope.
func (t *Tx) CreateAPIToken(ctx context.Context, tok *model.APIToken) error {
	now := t.stamp(&tok.Meta, "tok")
	_, err := t.Exec(ctx, `INSERT INTO tokens (`+apiTokenCols+`) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, 1, ?, ?, ?, ?, ?, '', ?, ?)`,
		tok.ID, tok.Name, tok.Role, tok.Hash, nullMicros(tok.ExpiresAt), tok.Revoked, micros(now), micros(now),
		tok.Kind, tok.UserID, tok.ScopeKind, tok.ScopeID, tok.CreatedBy, tok.GrantID, tok.InstitutionID)
	if err != nil {
		return fmt.Errorf("creating token: %w", err)
	}
	return nil
}

// APITokenByHash finds a token by the hash of its secret.
func (t *Tx) APITokenByHash(ctx context.Context, hash string) (model.APIToken, error) {
	tok, err := scanAPIToken(t.QueryRow(ctx, `SELECT `+apiTokenCols+` FROM tokens WHERE hash = ?`, hash))
	if err != nil {
		return tok, fmt.Errorf("finding token: %w", err)
	}
	return tok, nil
}

// APITokenByID loads a token.
func (t *Tx) APITokenByID(ctx context.Context, id string) (model.APIToken, error) {
	tok, err := scanAPIToken(t.QueryRow(ctx, `SELECT `+apiTokenCols+` FROM tokens WHERE id = ?`, id))
	if err != nil {
		return tok, fmt.Errorf("getting token %s: %w", id, err)
	}
	return tok, nil
}

// ListAPITokens lists tokens, of one user when userID is not empty.
func (t *Tx) ListAPITokens(ctx context.Context, userID string) ([]model.APIToken, error) {
	q, args := whereIf(`SELECT `+apiTokenCols+` FROM tokens`, "user_id", userID)
	return t.queryAPITokens(ctx, q, args...)
}

// RevokeToken marks a token revoked.
func (t *Tx) RevokeToken(ctx context.Context, id string) error {
	res, err := t.Exec(ctx, `UPDATE tokens SET revoked = ?, updated_at = ?, version = version + 1 WHERE id = ?`, true, micros(t.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoking token %s: %w", id, ErrNotFound)
	}
	return t.authChanged(ctx)
}

// TouchAPIToken records the last use (time and source address) of a token.
func (t *Tx) TouchAPIToken(ctx context.Context, id string, at time.Time, ip string) error {
	_, err := t.Exec(ctx, `UPDATE tokens SET last_used_at = ?, last_used_ip = ? WHERE id = ?`, micros(at), ip, id)
	return err
}

// ---- sessions ----

// CreateSession stores a session (hashes of its secrets only).
func (t *Tx) CreateSession(ctx context.Context, s *model.Session) error {
	if s.ID == "" {
		s.ID = model.NewID("ses")
	}
	now := t.Now()
	s.CreatedAt, s.LastSeenAt = now, now
	_, err := t.Exec(ctx, `INSERT INTO sessions (id, hash, user_id, csrf_hash, source_ip, expires_at, revoked, created_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.Hash, s.UserID, s.CSRFHash, s.SourceIP, micros(s.ExpiresAt), false, micros(now), micros(now))
	if err != nil {
		return fmt.Errorf("creating session: %w", err)
	}
	return nil
}

// SessionByHash finds a session by the hash of its secret.
func (t *Tx) SessionByHash(ctx context.Context, hash string) (model.Session, error) {
	var s model.Session
	err := t.QueryRow(ctx, `SELECT id, hash, user_id, csrf_hash, source_ip, expires_at, revoked, created_at, last_seen_at
		FROM sessions WHERE hash = ?`, hash).Scan(&s.ID, &s.Hash, &s.UserID, &s.CSRFHash, &s.SourceIP, microsCol{&s.ExpiresAt}, &s.Revoked,
		microsCol{&s.CreatedAt}, microsCol{&s.LastSeenAt})
	if err != nil {
		return s, fmt.Errorf("finding session: %w", mapErr(err))
	}
	return s, nil
}

// RevokeSession ends a session.
func (t *Tx) RevokeSession(ctx context.Context, id string) error {
	_, err := t.Exec(ctx, `UPDATE sessions SET revoked = ? WHERE id = ?`, true, id)
	return err
}

// ---- grants ----

const grantCols = "id, project_id, institution_id, user_id, role, source_cidrs, reason, expires_at, revoked_at, revoked_by, created_by, created_at, updated_at, version"

func scanGrant(row interface{ Scan(...any) error }) (model.Grant, error) {
	var (
		g     model.Grant
		cidrs string
	)
	err := row.Scan(&g.ID, &g.ProjectID, &g.InstitutionID, &g.UserID, &g.Role, &cidrs, &g.Reason, microsCol{&g.ExpiresAt}, nullTime{&g.RevokedAt},
		&g.RevokedBy, &g.CreatedBy, microsCol{&g.CreatedAt}, microsCol{&g.UpdatedAt}, &g.Version)
	if err != nil {
		return g, mapErr(err)
	}
	if cidrs != "" {
		g.SourceCIDRs = strings.Split(cidrs, ",")
	}
	return g, nil
}

// CreateGrant inserts a grant and records it in the change feed.
func (t *Tx) CreateGrant(ctx context.Context, g *model.Grant) error {
	now := t.stamp(&g.Meta, "grt")
	_, err := t.Exec(ctx, `INSERT INTO grants (`+grantCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?, ?, ?, 1)`,
		g.ID, g.ProjectID, g.InstitutionID, g.UserID, g.Role, strings.Join(g.SourceCIDRs, ","), g.Reason,
		micros(g.ExpiresAt), g.CreatedBy, micros(now), micros(now))
	if err != nil {
		return fmt.Errorf("creating grant: %w", err)
	}
	if err := t.authChanged(ctx); err != nil {
		return err
	}
	return t.appendGrantChange(ctx, g.ID, g.ProjectID, model.GrantChangeCreated)
}

// GrantByID loads a grant.
func (t *Tx) GrantByID(ctx context.Context, id string) (model.Grant, error) {
	g, err := scanGrant(t.QueryRow(ctx, `SELECT `+grantCols+` FROM grants WHERE id = ?`, id))
	if err != nil {
		return g, fmt.Errorf("getting grant %s: %w", id, err)
	}
	return g, nil
}

// GrantFilter selects grants.
type GrantFilter struct {
	ProjectID string
	UserID    string
	// ActiveAt keeps grants neither revoked nor expired at that time.
	ActiveAt *time.Time
	// Restrict limits the rows to the caller's scopes (nil: all).
	Restrict *Restriction
	After    string
	Limit    int
}

// ListGrants lists grants by id.
func (t *Tx) ListGrants(ctx context.Context, f GrantFilter) ([]model.Grant, error) {
	var (
		where []string
		args  []any
	)
	if f.ProjectID != "" {
		where, args = append(where, "project_id = ?"), append(args, f.ProjectID)
	}
	if f.UserID != "" {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.ActiveAt != nil {
		where, args = append(where, "revoked_at IS NULL AND expires_at > ?"), append(args, micros(*f.ActiveAt))
	}
	if f.After != "" {
		where, args = append(where, "id > ?"), append(args, f.After)
	}
	if w, a := f.Restrict.sql(); w != "" {
		where, args = append(where, w), append(args, a...)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT ` + grantCols + ` FROM grants`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := t.Query(ctx, q+fmt.Sprintf(" ORDER BY id LIMIT %d", limit), args...)
	if err != nil {
		return nil, fmt.Errorf("listing grants: %w", err)
	}
	defer rows.Close()
	out := []model.Grant{}
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}

// RevokeGrant ends a grant now and records it in the change feed.
func (t *Tx) RevokeGrant(ctx context.Context, id, by string) error {
	now := t.Now()
	res, err := t.Exec(ctx, `UPDATE grants SET revoked_at = ?, revoked_by = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND revoked_at IS NULL`, micros(now), by, micros(now), id)
	if err != nil {
		return fmt.Errorf("revoking grant: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := t.GrantByID(ctx, id); err != nil {
			return err
		}
		return nil // already revoked: idempotent
	}
	g, err := t.GrantByID(ctx, id)
	if err != nil {
		return err
	}
	if err := t.authChanged(ctx); err != nil {
		return err
	}
	return t.appendGrantChange(ctx, id, g.ProjectID, model.GrantChangeRevoked)
}

// NoteExpiredGrants records an "expired" change for every grant whose
// expiry has passed at now and that has no such change yet; it returns
// how many it noted.
func (t *Tx) NoteExpiredGrants(ctx context.Context, now time.Time) (int, error) {
	rows, err := t.Query(ctx, `SELECT id, project_id FROM grants g WHERE revoked_at IS NULL AND expires_at <= ?
		AND NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.grant_id = g.id AND c.kind = 'expired') ORDER BY id`, micros(now))
	if err != nil {
		return 0, err
	}
	type pair struct{ id, project string }
	var due []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.id, &p.project); err != nil {
			rows.Close()
			return 0, mapErr(err)
		}
		due = append(due, p)
	}
	rows.Close()
	for _, p := range due {
		if err := t.appendGrantChange(ctx, p.id, p.project, model.GrantChangeExpired); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

func (t *Tx) appendGrantChange(ctx context.Context, grantID, projectID string, kind model.GrantChangeKind) error {
	var seq int64
	if err := t.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM grant_changes`).Scan(&seq); err != nil {
		return mapErr(err)
	}
	_, err := t.Exec(ctx, `INSERT INTO grant_changes (seq, grant_id, project_id, kind, at) VALUES (?, ?, ?, ?, ?)`,
		seq+1, grantID, projectID, kind, micros(t.Now()))
	return err
}

// GrantChanges returns up to limit changes after seq, in order.
func (t *Tx) GrantChanges(ctx context.Context, after int64, limit int) ([]model.GrantChange, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := t.Query(ctx, `SELECT seq, grant_id, project_id, kind, at FROM grant_changes WHERE seq > ? ORDER BY seq LIMIT `+fmt.Sprint(limit), after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.GrantChange{}
	for rows.Next() {
		var c model.GrantChange
		if err := rows.Scan(&c.Seq, &c.GrantID, &c.ProjectID, &c.Kind, microsCol{&c.At}); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// ---- scopes ----

// Restriction limits a list to rows whose columns match one of the
// allowed values (an OR of IN conditions). A nil Restriction allows all;
// one with no conditions allows nothing.
type Restriction struct {
	Any []In
}

// In is "Column IN Values".
type In struct {
	Column string
	Values []string
}

func (r *Restriction) sql() (string, []any) {
	if r == nil {
		return "", nil
	}
	var (
		ors  []string
		args []any
	)
	for _, in := range r.Any {
		if len(in.Values) == 0 || !safeColumn(in.Column) {
			continue
		}
		ors = append(ors, in.Column+" IN ("+placeholders(len(in.Values))+")")
		for _, v := range in.Values {
			args = append(args, v)
		}
	}
	if len(ors) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

func safeColumn(c string) bool {
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return false
		}
	}
	return c != ""
}

// Owner is where an object sits in the scope tree.
type Owner struct {
	Provider, Institution, Project string
}

// ErrUnknownResource means ScopeOf does not know the resource.
var ErrUnknownResource = errors.New("unknown resource")

// ScopeOf returns the owner of an object of a resource ("projects",
// "sites", …) by id; ErrNotFound when it does not exist.
func (t *Tx) ScopeOf(ctx context.Context, resource, id string) (Owner, error) {
	var o Owner
	q, dst, ok := scopeQuery(resource, &o)
	if !ok {
		return o, fmt.Errorf("%w: %s", ErrUnknownResource, resource)
	}
	if err := t.QueryRow(ctx, q, id).Scan(dst...); err != nil {
		return o, fmt.Errorf("finding the scope of %s %s: %w", resource, id, mapErr(err))
	}
	return o, nil
}

// KnowsScopeOf reports whether ScopeOf can place objects of resource.
func KnowsScopeOf(resource string) bool {
	_, _, ok := scopeQuery(resource, &Owner{})
	return ok
}

// scopeQuery is the query that finds an object's owner and where its
// columns go (false: resource unknown).
func scopeQuery(resource string, o *Owner) (q string, dst []any, ok bool) {
	switch resource {
	case "providers":
		q, dst = `SELECT id FROM providers WHERE id = ?`, []any{&o.Provider}
	case "sites":
		q, dst = `SELECT provider_id FROM sites WHERE id = ?`, []any{&o.Provider}
	case "prices":
		q, dst = `SELECT provider_id FROM prices WHERE id = ?`, []any{&o.Provider}
	case "institutions":
		q, dst = `SELECT id FROM institutions WHERE id = ?`, []any{&o.Institution}
	case "budget-lines":
		q, dst = `SELECT institution_id FROM budget_lines WHERE id = ?`, []any{&o.Institution}
	case "projects":
		q, dst = `SELECT institution_id, id FROM projects WHERE id = ?`, []any{&o.Institution, &o.Project}
	case "workloads":
		q, dst = `SELECT institution_id, project_id FROM workloads WHERE id = ?`, []any{&o.Institution, &o.Project}
	case "grants":
		q, dst = `SELECT institution_id, project_id FROM grants WHERE id = ?`, []any{&o.Institution, &o.Project}
	case "offerings", "fx-rates":
		table := map[string]string{"offerings": "offerings", "fx-rates": "fx_rates"}[resource]
		var x string
		q, dst = `SELECT id FROM `+table+` WHERE id = ?`, []any{&x}
	default:
		return "", nil, false
	}
	return q, dst, true
}

// ---- secrets ----

// SecretRow is an encrypted secret (the secrets package seals and opens it).
type SecretRow struct {
	ID         string
	OwnerKind  string
	OwnerID    string
	Name       string
	KeyID      string
	Ciphertext string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PutSecret inserts or replaces a secret.
func (t *Tx) PutSecret(ctx context.Context, r SecretRow) error {
	now := micros(t.Now())
	_, err := t.Exec(ctx, `INSERT INTO secrets (id, owner_kind, owner_id, name, key_id, ciphertext, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (owner_kind, owner_id, name) DO UPDATE SET key_id = excluded.key_id, ciphertext = excluded.ciphertext,
		updated_at = excluded.updated_at`, model.NewID("sec"), r.OwnerKind, r.OwnerID, r.Name, r.KeyID, r.Ciphertext, now, now)
	if err != nil {
		return fmt.Errorf("storing secret: %w", err)
	}
	return nil
}

const secretCols = "id, owner_kind, owner_id, name, key_id, ciphertext, created_at, updated_at"

func scanSecret(row interface{ Scan(...any) error }) (SecretRow, error) {
	var r SecretRow
	err := row.Scan(&r.ID, &r.OwnerKind, &r.OwnerID, &r.Name, &r.KeyID, &r.Ciphertext, microsCol{&r.CreatedAt}, microsCol{&r.UpdatedAt})
	return r, mapErr(err)
}

// GetSecret loads one secret.
func (t *Tx) GetSecret(ctx context.Context, ownerKind, ownerID, name string) (SecretRow, error) {
	r, err := scanSecret(t.QueryRow(ctx, `SELECT `+secretCols+` FROM secrets WHERE owner_kind = ? AND owner_id = ? AND name = ?`, ownerKind, ownerID, name))
	if err != nil {
		return r, fmt.Errorf("getting secret %s/%s: %w", ownerKind, name, err)
	}
	return r, nil
}

// SecretsNotUnder lists the secrets sealed with another key than keyID.
func (t *Tx) SecretsNotUnder(ctx context.Context, keyID string) ([]SecretRow, error) {
	rows, err := t.Query(ctx, `SELECT `+secretCols+` FROM secrets WHERE key_id <> ? ORDER BY id`, keyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SecretRow
	for rows.Next() {
		r, err := scanSecret(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}
