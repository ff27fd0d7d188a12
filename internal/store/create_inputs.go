package store

import (
	"context"
	"fmt"

	"github.com/soberana/soberana/internal/model"
)

// CreateInputs reads what a workload create starts from — the project,
// its institution and the offering — in one statement instead of three
// (issue #19: on PostgreSQL each is a round trip). ErrNotFound: one of
// the two ids names nothing (the caller reads them apart to say which).
func (t *Tx) CreateInputs(ctx context.Context, projectID, offeringID string) (model.Project, model.Institution, model.Offering, error) {
	var (
		p          model.Project
		i          model.Institution
		o          model.Offering
		pc, pu     int64
		ic, iu     int64
		oc, ou     int64
		pm, im, om = projects.meta(&p), institutions.meta(&i), offerings.meta(&o)
	)
	dest := append([]any{&pm.ID, &pc, &pu, &pm.Version}, projects.scanDest(&p)...)
	dest = append(dest, &im.ID, &ic, &iu, &im.Version)
	dest = append(dest, institutions.scanDest(&i)...)
	dest = append(dest, &om.ID, &oc, &ou, &om.Version)
	dest = append(dest, offerings.scanDest(&o)...)
	q := "SELECT " + qualified("p", projects.allCols()) + ", " + qualified("i", institutions.allCols()) + ", " + qualified("o", offerings.allCols()) +
		" FROM projects p JOIN institutions i ON i.id = p.institution_id, offerings o WHERE p.id = ? AND o.id = ?"
	err := t.QueryRow(ctx, q, projectID, offeringID).Scan(dest...)
	if err != nil {
		return p, i, o, fmt.Errorf("getting project %s and offering %s: %w", projectID, offeringID, mapErr(err))
	}
	pm.CreatedAt, pm.UpdatedAt = fromMicros(pc), fromMicros(pu)
	im.CreatedAt, im.UpdatedAt = fromMicros(ic), fromMicros(iu)
	om.CreatedAt, om.UpdatedAt = fromMicros(oc), fromMicros(ou)
	return p, i, o, nil
}
