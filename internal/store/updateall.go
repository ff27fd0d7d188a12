package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
)

// UpdateAll writes every v whose Version still matches the stored one, as
// Update does for one, and reports which were written: false for a stale
// version or a missing row (Update tells those apart with ErrConflict and
// ErrNotFound; callers of UpdateAll treat both as "another change won").
// The written ones get their version bumped and UpdatedAt set.
//
// On PostgreSQL it is one statement for all of them, an UPDATE … FROM
// (VALUES …) guarded by each row's version (issue #19: the reconciler's
// recorder wrote a statement per placement and per workload); on SQLite,
// or when vs names a row twice, it is Update row by row.
func (r Repo[T]) UpdateAll(ctx context.Context, vs []*T) ([]bool, error) {
	ok := make([]bool, len(vs))
	if len(vs) == 0 {
		return ok, nil
	}
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		seen[r.e.meta(v).ID] = true
	}
	if r.tx.dialect != Postgres || len(seen) < len(vs) || len(vs) == 1 {
		for i, v := range vs {
			err := r.Update(ctx, v)
			if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			ok[i] = true
		}
		return ok, nil
	}
	types, err := r.tx.st.columnTypes(ctx, r.tx, r.e.table)
	if err != nil {
		return nil, err
	}
	cols := append([]string{"id", "version"}, r.e.cols...)
	casts := make([]string, len(cols))
	for i, c := range cols {
		t, found := types[c]
		if !found {
			return nil, fmt.Errorf("updating %s: no type for column %s", r.e.table, c)
		}
		casts[i] = "CAST(? AS " + t + ")"
	}
	row := "(" + strings.Join(casts, ", ") + ")"
	now := r.tx.Now()
	args := make([]any, 0, 1+len(vs)*len(cols))
	args = append(args, micros(now))
	rows := make([]string, len(vs))
	for i, v := range vs {
		m := r.e.meta(v)
		args = append(args, m.ID, m.Version)
		args = append(args, r.e.values(v)...)
		rows[i] = row
	}
	sets := make([]string, len(r.e.cols))
	for i, c := range r.e.cols {
		sets[i] = c + " = v." + c
	}
	q := fmt.Sprintf("UPDATE %s AS t SET %s, updated_at = ?, version = t.version + 1 FROM (VALUES %s) AS v(%s) "+
		"WHERE t.id = v.id AND t.version = v.version RETURNING t.id",
		r.e.table, strings.Join(sets, ", "), strings.Join(rows, ", "), strings.Join(cols, ", "))
	res, err := r.tx.Query(ctx, q, args...)
	if err != nil {
		return nil, r.tx.st.staleColumns(r.e.table, fmt.Errorf("updating %s: %w", r.e.table, err))
	}
	defer res.Close()
	written := make(map[string]bool, len(vs))
	for res.Next() {
		var id string
		if err := res.Scan(&id); err != nil {
			return nil, fmt.Errorf("updating %s: %w", r.e.table, mapErr(err))
		}
		written[id] = true
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("updating %s: %w", r.e.table, mapErr(err))
	}
	for i, v := range vs {
		if m := r.e.meta(v); written[m.ID] {
			ok[i] = true
			m.Version++
			m.UpdatedAt = now
		}
	}
	if len(written) > 0 {
		if err := r.wrote(ctx); err != nil {
			return nil, err
		}
	}
	return ok, nil
}

// colTypes caches the PostgreSQL types of tables' columns (UpdateAll
// casts its VALUES to them): table → column → type.
//
// A newer replica's migration may change a column's type while this one
// runs (a rolling upgrade). The types are kept without their modifiers
// (character varying, not character varying(8); numeric, not
// numeric(12,2)), so that the cast is the same coercion the plain UPDATE
// of Update makes (a cast to varchar(n) truncates silently where the
// assignment fails) and a widened column is never narrowed by a stale
// cast; a cached type the column no longer accepts makes the UPDATE fail
// with a type error, which forgets the table's types and has the
// transaction run again once (staleColumns, errStaleColumns).
type colTypes struct {
	mu sync.Mutex
	m  map[string]map[string]string
}

// errStaleColumns marks an UpdateAll that failed on a type error after
// reading the table's column types from the cache: InTx runs the
// transaction again, once, with types read afresh.
var errStaleColumns = errors.New("the column types may have changed")

// staleColumnCodes are the SQLSTATEs a cast to a column's former type
// can raise: datatype_mismatch (text into a column that became jsonb or
// an enum), cannot_coerce, undefined_object and undefined_function (the
// type is gone), numeric_value_out_of_range (integer widened to bigint).
var staleColumnCodes = map[string]bool{"42804": true, "42846": true, "42704": true, "42883": true, "22003": true}

// staleColumns forgets table's column types if err may come from their
// having changed, and marks err so that InTx retries once.
func (s *Store) staleColumns(table string, err error) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || !staleColumnCodes[pg.Code] {
		return err
	}
	s.cols.mu.Lock()
	delete(s.cols.m, table)
	s.cols.mu.Unlock()
	return fmt.Errorf("%w: %w", errStaleColumns, err)
}

func (s *Store) columnTypes(ctx context.Context, tx *Tx, table string) (map[string]string, error) {
	s.cols.mu.Lock()
	t, ok := s.cols.m[table]
	s.cols.mu.Unlock()
	if ok {
		return t, nil
	}
	rows, err := tx.Query(ctx, `SELECT attname, format_type(atttypid, NULL) FROM pg_attribute
		WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped`, table)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
	}
	defer rows.Close()
	t = map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, fmt.Errorf("reading the columns of %s: %w", table, mapErr(err))
		}
		t[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, mapErr(err))
	}
	s.cols.mu.Lock()
	if s.cols.m == nil {
		s.cols.m = map[string]map[string]string{}
	}
	s.cols.m[table] = t
	s.cols.mu.Unlock()
	return t, nil
}
