package store

import (
	"context"
	"fmt"

	"github.com/soberana/soberana/internal/model"
)

// CreateInputs reads what a workload create starts from — the project,
// its institution, the offering and the project's budget line — in one
// statement instead of four (issue #19: on PostgreSQL each is a round
// trip). It reads outside the create's transaction and locks nothing: the
// line is what the create computes its commitment from, and the
// reservation re-reads the line's amount itself (ReserveBudgetOnLine).
// ErrNotFound: one of the two ids names nothing (the caller reads them
// apart to say which).
func (t *Tx) CreateInputs(ctx context.Context, projectID, offeringID string) (model.Project, model.Institution, model.Offering, model.BudgetLine, error) {
	var (
		p              model.Project
		i              model.Institution
		o              model.Offering
		l              model.BudgetLine
		pc, pu         int64
		ic, iu         int64
		oc, ou         int64
		lc, lu         int64
		pm, im, om, lm = projects.meta(&p), institutions.meta(&i), offerings.meta(&o), budgetLines.meta(&l)
	)
	dest := append([]any{&pm.ID, &pc, &pu, &pm.Version}, projects.scanDest(&p)...)
	dest = append(dest, &im.ID, &ic, &iu, &im.Version)
	dest = append(dest, institutions.scanDest(&i)...)
	dest = append(dest, &om.ID, &oc, &ou, &om.Version)
	dest = append(dest, offerings.scanDest(&o)...)
	dest = append(dest, &lm.ID, &lc, &lu, &lm.Version)
	dest = append(dest, budgetLines.scanDest(&l)...)
	q := "SELECT " + qualified("p", projects.allCols()) + ", " + qualified("i", institutions.allCols()) + ", " +
		qualified("o", offerings.allCols()) + ", " + qualified("l", budgetLines.allCols()) +
		" FROM projects p JOIN institutions i ON i.id = p.institution_id JOIN budget_lines l ON l.id = p.budget_line_id," +
		" offerings o WHERE p.id = ? AND o.id = ?"
	err := t.QueryRow(ctx, q, projectID, offeringID).Scan(dest...)
	if err != nil {
		return p, i, o, l, fmt.Errorf("getting project %s and offering %s: %w", projectID, offeringID, mapErr(err))
	}
	pm.CreatedAt, pm.UpdatedAt = fromMicros(pc), fromMicros(pu)
	im.CreatedAt, im.UpdatedAt = fromMicros(ic), fromMicros(iu)
	om.CreatedAt, om.UpdatedAt = fromMicros(oc), fromMicros(ou)
	lm.CreatedAt, lm.UpdatedAt = fromMicros(lc), fromMicros(lu)
	return p, i, o, l, nil
}
