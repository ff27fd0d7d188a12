package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/soberana/soberana/internal/model"
)

// TokenFilter selects the tokens a caller may see: its own (UserID), the
// ones it made (CreatedBy), and those acting in the institutions or
// projects of Restrict. Empty fields select nothing; All selects every
// token.
type TokenFilter struct {
	All       bool
	UserID    string
	CreatedBy string
	// TokenID selects one token (a service token listing itself).
	TokenID string
	// Institutions and Projects select the tokens acting there: service
	// and deploy tokens, and personal tokens narrowed to such a scope.
	Institutions []string
	Projects     []string
}

// ListTokens lists the tokens f selects, by id.
func (t *Tx) ListTokens(ctx context.Context, f TokenFilter) ([]model.APIToken, error) {
	q := `SELECT ` + apiTokenCols + ` FROM tokens`
	var (
		ors  []string
		args []any
	)
	if !f.All {
		add := func(cond string, vals ...string) {
			ors = append(ors, cond)
			for _, v := range vals {
				args = append(args, v)
			}
		}
		if f.UserID != "" {
			add("user_id = ?", f.UserID)
		}
		if f.CreatedBy != "" {
			add("created_by = ?", f.CreatedBy)
		}
		if f.TokenID != "" {
			add("id = ?", f.TokenID)
		}
		if len(f.Institutions) > 0 {
			add("institution_id IN ("+placeholders(len(f.Institutions))+")", f.Institutions...)
		}
		if len(f.Projects) > 0 {
			add("(scope_kind = 'project' AND scope_id IN ("+placeholders(len(f.Projects))+"))", f.Projects...)
		}
		if len(ors) == 0 {
			return []model.APIToken{}, nil
		}
		q += " WHERE " + strings.Join(ors, " OR ")
	}
	return t.queryAPITokens(ctx, q, args...)
}

// queryAPITokens runs q, a SELECT of apiTokenCols from tokens with its
// WHERE clause, and returns the rows by id. ListTokens and ListAPITokens
// differ only in how they select, so they share the reading.
func (t *Tx) queryAPITokens(ctx context.Context, q string, args ...any) ([]model.APIToken, error) {
	return queryAll(ctx, t, "tokens", q+` ORDER BY id`, args, func(rows *sql.Rows) (model.APIToken, error) { return scanAPIToken(rows) })
}
