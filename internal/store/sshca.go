package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// model.SSHCA returns an institution's certificate authority (ErrNotFound: none
// yet).
func (t *Tx) SSHCA(ctx context.Context, institutionID string) (model.SSHCA, error) {
	var (
		c  model.SSHCA
		cr int64
	)
	err := t.QueryRow(ctx, `SELECT institution_id, public_key, created_at FROM ssh_cas WHERE institution_id = ?`, institutionID).
		Scan(&c.InstitutionID, &c.PublicKey, &cr)
	if err != nil {
		return c, fmt.Errorf("getting the SSH CA of %s: %w", institutionID, mapErr(err))
	}
	c.CreatedAt = fromMicros(cr)
	return c, nil
}

// InsertSSHCA stores c unless the institution has a CA already; it reports
// whether c was stored.
func (t *Tx) InsertSSHCA(ctx context.Context, c model.SSHCA) (bool, error) {
	res, err := t.Exec(ctx, `INSERT INTO ssh_cas (institution_id, public_key, created_at) VALUES (?, ?, ?)
		ON CONFLICT (institution_id) DO NOTHING`, c.InstitutionID, c.PublicKey, micros(t.Now()))
	if err != nil {
		return false, fmt.Errorf("storing the SSH CA of %s: %w", c.InstitutionID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InsertSSHCert records an issued certificate.
func (t *Tx) InsertSSHCert(ctx context.Context, c *model.SSHCert) error {
	c.CreatedAt = t.Now()
	_, err := t.Exec(ctx, `INSERT INTO ssh_certificates (serial, institution_id, project_id, workload_id, user_id, key_id,
		key_fingerprint, principal, grant_id, valid_after, valid_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Serial, c.InstitutionID, c.ProjectID, c.WorkloadID, c.UserID, c.KeyID, c.KeyFingerprint, c.Principal, c.GrantID,
		micros(c.ValidAfter), micros(c.ValidBefore), micros(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("recording SSH certificate %d: %w", c.Serial, err)
	}
	return nil
}

const sshCertCols = `c.serial, c.institution_id, c.project_id, c.workload_id, c.user_id, c.key_id, c.key_fingerprint,
	c.principal, c.grant_id, c.valid_after, c.valid_before, c.revoked_at, c.created_at`

func scanSSHCert(row interface{ Scan(...any) error }) (model.SSHCert, error) {
	var (
		c          model.SSHCert
		va, vb, cr int64
		revoked    sql.NullInt64
	)
	err := row.Scan(&c.Serial, &c.InstitutionID, &c.ProjectID, &c.WorkloadID, &c.UserID, &c.KeyID, &c.KeyFingerprint,
		&c.Principal, &c.GrantID, &va, &vb, &revoked, &cr)
	if err != nil {
		return c, mapErr(err)
	}
	c.ValidAfter, c.ValidBefore, c.CreatedAt, c.RevokedAt = fromMicros(va), fromMicros(vb), fromMicros(cr), fromNullMicros(revoked)
	return c, nil
}

// SSHCertsOf lists the certificates issued for a workload, newest first
// (at most limit).
func (t *Tx) SSHCertsOf(ctx context.Context, workloadID string, limit int) ([]model.SSHCert, error) {
	return t.sshCerts(ctx, `SELECT `+sshCertCols+` FROM ssh_certificates c WHERE c.workload_id = ? ORDER BY c.created_at DESC, c.serial LIMIT ?`,
		workloadID, limit)
}

// RevokedSSHCerts lists an institution's certificates that are still
// valid at now and revoked: by themselves, or through the vendor grant
// they derive from. They make the key revocation list.
func (t *Tx) RevokedSSHCerts(ctx context.Context, institutionID string, now time.Time) ([]model.SSHCert, error) {
	return t.sshCerts(ctx, `SELECT `+sshCertCols+` FROM ssh_certificates c LEFT JOIN grants g ON g.id = c.grant_id
		WHERE c.institution_id = ? AND c.valid_before > ? AND (c.revoked_at IS NOT NULL OR g.revoked_at IS NOT NULL)
		ORDER BY c.serial`, institutionID, micros(now))
}

// RevokeSSHCert marks one certificate revoked (ErrNotFound: no such
// serial in the institution).
func (t *Tx) RevokeSSHCert(ctx context.Context, institutionID string, serial int64) error {
	res, err := t.Exec(ctx, `UPDATE ssh_certificates SET revoked_at = ? WHERE institution_id = ? AND serial = ? AND revoked_at IS NULL`,
		micros(t.Now()), institutionID, serial)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("SSH certificate %d: %w", serial, ErrNotFound)
	}
	return nil
}

func (t *Tx) sshCerts(ctx context.Context, q string, args ...any) ([]model.SSHCert, error) {
	return queryList(ctx, t, "ssh certificates", q, args, func(rows *sql.Rows) (model.SSHCert, error) { return scanSSHCert(rows) })
}

// SessionExpiry returns when a console session ends (ErrNotFound: none).
func (t *Tx) SessionExpiry(ctx context.Context, id string) (time.Time, error) {
	var e int64
	if err := t.QueryRow(ctx, `SELECT expires_at FROM sessions WHERE id = ?`, id).Scan(&e); err != nil {
		return time.Time{}, mapErr(err)
	}
	return fromMicros(e), nil
}
