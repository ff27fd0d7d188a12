package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/soberana/soberana/internal/model"
)

// entity describes how one noun maps to its table.
type entity[T any] struct {
	table string
	// cols are the noun's own columns, in the order values returns them.
	cols []string
	// filters are the columns a list may filter on by equality.
	filters map[string]bool
	meta    func(*T) *model.Meta
	values  func(*T) []any
	// scanDest returns pointers for cols, in order.
	scanDest func(*T) []any
	// changed, when set, is told of every write of the noun
	// (Tx.pricesChanged for prices and exchange rates).
	changed func(*Tx, context.Context) error
	// all is allCols, joined once: every query of the noun names them.
	all    sync.Once
	allSQL string
}

func (e *entity[T]) allCols() string {
	e.all.Do(func() { e.allSQL = "id, created_at, updated_at, version, " + strings.Join(e.cols, ", ") })
	return e.allSQL
}

// wrote tells the noun's changed hook, if any, that the transaction
// wrote it.
func (r Repo[T]) wrote(ctx context.Context) error {
	if r.e.changed == nil {
		return nil
	}
	return r.e.changed(r.tx, ctx)
}

// Repo gives create/get/list/update/delete over one noun.
type Repo[T any] struct {
	tx *Tx
	e  *entity[T]
}

// Page is one page of a list.
type Page[T any] struct {
	Items []T `json:"items"`
	// Next is the cursor of the next page, empty on the last.
	Next string `json:"next_cursor,omitempty"`
}

// ListOptions select and page a list.
type ListOptions struct {
	// Filters are column = value conditions on allowed columns.
	Filters map[string]string
	// After is the id after which the page starts (the cursor).
	After string
	// Limit is the page size; 0 means 100; at most 1000.
	Limit int
	// Restrict limits the rows to the caller's scopes (nil: no limit).
	Restrict *Restriction
}

func (r Repo[T]) scan(row interface{ Scan(...any) error }) (T, error) {
	var v T
	m := r.e.meta(&v)
	var created, updated int64
	dest := append([]any{&m.ID, &created, &updated, &m.Version}, r.e.scanDest(&v)...)
	if err := row.Scan(dest...); err != nil {
		return v, mapErr(err)
	}
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return v, nil
}

// Create inserts v, assigning id (if empty), times and version 1.
func (r Repo[T]) Create(ctx context.Context, v *T, idPrefix string) error {
	m := r.e.meta(v)
	if m.ID == "" {
		m.ID = model.NewID(idPrefix)
	}
	now := r.tx.Now()
	m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
	args := append([]any{m.ID, micros(now), micros(now), m.Version}, r.e.values(v)...)
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", r.e.table, r.e.allCols(), placeholders(len(args)))
	if _, err := r.tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("creating %s: %w", r.e.table, err)
	}
	return r.wrote(ctx)
}

// Get loads one by id.
func (r Repo[T]) Get(ctx context.Context, id string) (T, error) {
	q := fmt.Sprintf("SELECT %s FROM %s WHERE id = ?", r.e.allCols(), r.e.table)
	v, err := r.scan(r.tx.QueryRow(ctx, q, id))
	if err != nil {
		return v, fmt.Errorf("getting %s %s: %w", r.e.table, id, err)
	}
	return v, nil
}

// List returns a page ordered by id.
func (r Repo[T]) List(ctx context.Context, o ListOptions) (Page[T], error) {
	var (
		where []string
		args  []any
	)
	for col, val := range o.Filters {
		if !r.e.filters[col] {
			return Page[T]{}, fmt.Errorf("listing %s: cannot filter on %q", r.e.table, col)
		}
		where = append(where, col+" = ?")
		args = append(args, val)
	}
	if o.After != "" {
		where = append(where, "id > ?")
		args = append(args, o.After)
	}
	if w, a := o.Restrict.sql(); w != "" {
		where = append(where, w)
		args = append(args, a...)
	}
	limit := o.Limit
	if limit <= 0 {
		limit = 100
	}
	if limit > 1000 {
		limit = 1000
	}
	q := fmt.Sprintf("SELECT %s FROM %s", r.e.allCols(), r.e.table)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY id LIMIT %d", limit+1)
	rows, err := r.tx.Query(ctx, q, args...)
	if err != nil {
		return Page[T]{}, fmt.Errorf("listing %s: %w", r.e.table, err)
	}
	defer rows.Close()
	page := Page[T]{Items: []T{}}
	for rows.Next() {
		v, err := r.scan(rows)
		if err != nil {
			return Page[T]{}, fmt.Errorf("listing %s: %w", r.e.table, err)
		}
		page.Items = append(page.Items, v)
	}
	if err := rows.Err(); err != nil {
		return Page[T]{}, fmt.Errorf("listing %s: %w", r.e.table, mapErr(err))
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = r.e.meta(&page.Items[limit-1]).ID
	}
	return page, nil
}

// All returns every row (for snapshots at start-up); use List for APIs.
func (r Repo[T]) All(ctx context.Context) ([]T, error) {
	var out []T
	opts := ListOptions{Limit: 1000}
	for {
		p, err := r.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			return out, nil
		}
		opts.After = p.Next
	}
}

// ByID returns every row by its id: All, indexed, for the handlers and
// reports that resolve ids of several nouns.
func (r Repo[T]) ByID(ctx context.Context) (map[string]T, error) {
	all, err := r.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]T, len(all))
	for i := range all {
		out[r.e.meta(&all[i]).ID] = all[i]
	}
	return out, nil
}

// Update writes v if its Version still matches the stored one, then bumps
// the version. A stale version gives ErrConflict, a missing row ErrNotFound.
func (r Repo[T]) Update(ctx context.Context, v *T) error {
	m := r.e.meta(v)
	now := r.tx.Now()
	sets := make([]string, len(r.e.cols))
	for i, c := range r.e.cols {
		sets[i] = c + " = ?"
	}
	args := append(r.e.values(v), micros(now), m.ID, m.Version)
	q := fmt.Sprintf("UPDATE %s SET %s, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		r.e.table, strings.Join(sets, ", "))
	res, err := r.tx.Exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("updating %s %s: %w", r.e.table, m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := r.Get(ctx, m.ID); err != nil {
			return err
		}
		return fmt.Errorf("updating %s %s: %w (version %d is stale)", r.e.table, m.ID, ErrConflict, m.Version)
	}
	m.Version++
	m.UpdatedAt = now
	return r.wrote(ctx)
}

// Delete removes the row; ErrInUse if others refer to it.
func (r Repo[T]) Delete(ctx context.Context, id string) error {
	res, err := r.tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE id = ?", r.e.table), id)
	if err != nil {
		if errors.Is(err, ErrReference) {
			return fmt.Errorf("deleting %s %s: %w", r.e.table, id, ErrInUse)
		}
		return fmt.Errorf("deleting %s %s: %w", r.e.table, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deleting %s %s: %w", r.e.table, id, ErrNotFound)
	}
	return r.wrote(ctx)
}

// Count returns the number of rows matching filters.
func (r Repo[T]) Count(ctx context.Context, filters map[string]string) (int64, error) {
	var (
		where []string
		args  []any
	)
	for col, val := range filters {
		if !r.e.filters[col] {
			return 0, fmt.Errorf("counting %s: cannot filter on %q", r.e.table, col)
		}
		where = append(where, col+" = ?")
		args = append(args, val)
	}
	q := "SELECT COUNT(*) FROM " + r.e.table
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	var n int64
	if err := r.tx.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, mapErr(err)
	}
	return n, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
