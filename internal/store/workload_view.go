package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/soberana/soberana/internal/model"
)

// WorkloadViewInputs is what GET /v1/workloads/{id} answers from: the
// workload, its placements (by replica, then creation), its timeline
// (oldest first) and its cost inputs. CostErr wraps ErrNotFound when the
// ledger does not know the workload (Cost is then zero).
type WorkloadViewInputs struct {
	Workload   model.Workload
	Placements []PlacementRow
	Events     []model.WorkloadEvent
	Cost       WorkloadCostInputs
	CostErr    error
}

// WorkloadViewReads reads a workload's WorkloadViewInputs: the reads of
// WorkloadWithPlacements, EventsOf and WorkloadCostReads (period and
// booked as it takes them). On PostgreSQL the three statements go as one
// pipelined batch, one round trip (issue #19: a read of the mixed load
// made three); only a workload without placements, or none at all, costs
// a second read, as WorkloadWithPlacements does. On SQLite, which has no
// network round trip, they run one after the other.
func (t *Tx) WorkloadViewReads(ctx context.Context, id, period string, booked [2]model.LedgerKind) (WorkloadViewInputs, error) {
	if t.dialect != Postgres || t.pipe != nil || (t.sqlTx != nil && t.conn == nil) {
		return t.workloadViewEach(ctx, id, period, booked)
	}
	in, found, err := t.workloadViewBatch(ctx, id, period, booked)
	if err != nil {
		return WorkloadViewInputs{}, err
	}
	if !found {
		// No placement joined: a workload without any, or no workload.
		if in.Workload, err = t.Workloads().Get(ctx, id); err != nil {
			return WorkloadViewInputs{}, err
		}
	}
	return in, nil
}

// workloadViewEach is WorkloadViewReads one statement at a time.
func (t *Tx) workloadViewEach(ctx context.Context, id, period string, booked [2]model.LedgerKind) (WorkloadViewInputs, error) {
	var (
		in  WorkloadViewInputs
		err error
	)
	if in.Workload, in.Placements, err = t.WorkloadWithPlacements(ctx, id); err != nil {
		return WorkloadViewInputs{}, err
	}
	if in.Events, err = t.EventsOf(ctx, id); err != nil {
		return WorkloadViewInputs{}, err
	}
	in.Cost, in.CostErr = t.WorkloadCostReads(ctx, id, period, booked)
	if in.CostErr != nil && !errors.Is(in.CostErr, ErrNotFound) {
		return WorkloadViewInputs{}, in.CostErr
	}
	return in, nil
}

// workloadViewBatch sends WorkloadViewReads' three statements as one pgx
// batch, on the transaction's connection or, outside one, on a connection
// of the pool; found is false when the first found no row.
func (t *Tx) workloadViewBatch(ctx context.Context, id, period string, booked [2]model.LedgerKind) (in WorkloadViewInputs, found bool, err error) {
	conn := t.conn
	if conn == nil {
		if conn, err = t.st.db.Conn(ctx); err != nil {
			return in, false, fmt.Errorf("getting workload %s: %w", id, mapErr(err))
		}
		defer conn.Close()
	}
	wq, eq, cq := workloadsWithPlacementsSQL(1), eventsOfSQL, costReadsSQL()
	logStatement(ctx, PipelinedPrefix+wq)
	logStatement(ctx, PipelinedMorePrefix+eq)
	logStatement(ctx, PipelinedMorePrefix+cq)
	err = onPgx(conn, "pipeline", func(pc *pgx.Conn) error {
		b := &pgx.Batch{}
		b.Queue(t.rebind(wq), id)
		b.Queue(t.rebind(eq), id)
		b.Queue(t.rebind(cq), costReadsArgs(id, period, booked)...)
		br := pc.SendBatch(ctx, b)
		err := readWorkloadView(br, id, &in, &found)
		if cerr := br.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("getting workload %s: %w", id, mapErr(cerr))
		}
		return err
	})
	return in, found, err
}

// readWorkloadView reads the three results of workloadViewBatch's batch.
func readWorkloadView(br pgx.BatchResults, id string, in *WorkloadViewInputs, found *bool) error {
	ws, ps := map[string]model.Workload{}, map[string][]PlacementRow{}
	if err := eachResult(br, func(rows pgx.Rows) error { return scanWorkloadsWithPlacements(rows, ws, ps) }); err != nil {
		return fmt.Errorf("getting workloads %s: %w", id, err)
	}
	in.Workload, *found = ws[id]
	in.Placements = ps[id]
	in.Events = []model.WorkloadEvent{}
	err := eachResult(br, func(rows pgx.Rows) error {
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				return err
			}
			in.Events = append(in.Events, e)
		}
		return mapErr(rows.Err())
	})
	if err != nil {
		return fmt.Errorf("listing events: %w", err)
	}
	err = eachResult(br, func(rows pgx.Rows) error {
		in.Cost, in.CostErr = scanCostInputs(rows, id)
		return nil
	})
	if err == nil && in.CostErr != nil && !errors.Is(in.CostErr, ErrNotFound) {
		err = in.CostErr
	}
	return err
}

// eachResult passes the next result of br to read, then closes it.
func eachResult(br pgx.BatchResults, read func(pgx.Rows) error) error {
	rows, err := br.Query()
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	return read(rows)
}
