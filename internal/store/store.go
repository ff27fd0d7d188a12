// Package store is the only package that speaks SQL. It persists the domain
// nouns in embedded SQLite (pure Go, no cgo) or PostgreSQL (pgx), with one
// schema and one set of append-only migrations for both.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors; the API maps them to HTTP status in one place.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("duplicate")
	ErrReference = errors.New("missing reference")
	ErrInUse     = errors.New("in use")
	ErrConflict  = errors.New("version conflict")
	// ErrBusy: PostgreSQL kept refusing a transaction for concurrent
	// changes (serialization failures or deadlocks) through every retry
	// InTx makes; the caller may try again later.
	ErrBusy = errors.New("concurrent changes kept conflicting")
)

// Dialect is the SQL flavor of the open database.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the database handle. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	now     func() time.Time
	stmts   stmtCache
	group   groupCommit // group commit: SQLite's writes, PostgreSQL's creates (see Write)
	// sealer is PostgreSQL's background audit sealer (auditseal.go).
	sealer *auditSealer
	// gens: the generations of authentication data (authgen.go) and of
	// prices and exchange rates (pricegen.go); generation.go.
	gens [genKinds]generation
	// priceMemo: the value PriceMemo keeps (pricegen.go).
	priceMemo atomic.Pointer[priceMemo]
	// commits counts the write transactions committed (Commits).
	commits atomic.Uint64
	// cols: PostgreSQL column types, for UpdateAll (updateall.go).
	cols colTypes
	// health: readiness's own connection, the last of the replica's
	// pgPoolSize, set aside from the requests' pool (health.go).
	health *sql.DB
}

// SQLiteConfig tunes the embedded database.
type SQLiteConfig struct {
	// BusyTimeout is how long a writer waits for the lock.
	BusyTimeout time.Duration
	// Synchronous is the PRAGMA synchronous level; NORMAL is safe with WAL.
	Synchronous string
}

// DefaultSQLiteConfig: WAL, foreign keys on, 10 s busy timeout.
var DefaultSQLiteConfig = SQLiteConfig{BusyTimeout: 10 * time.Second, Synchronous: "NORMAL"}

func (c SQLiteConfig) dsn(path string) string {
	q := []string{
		"_pragma=" + "busy_timeout(" + strconv.FormatInt(c.BusyTimeout.Milliseconds(), 10) + ")",
		"_pragma=journal_mode(WAL)",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(" + c.Synchronous + ")",
		// Writers take the lock at BEGIN, so two transactions never both
		// read and then deadlock trying to upgrade to write.
		"_txlock=immediate",
	}
	return "file:" + path + "?" + strings.Join(q, "&")
}

// IsPostgresURL reports whether url selects PostgreSQL.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open opens a PostgreSQL database for a postgres:// URL, or else the SQLite
// file at the given path (created with its directory if absent).
func Open(ctx context.Context, url string) (*Store, error) {
	var (
		db      *sql.DB
		err     error
		dialect Dialect
		// driverName and dsn open the database (also readiness's handle).
		driverName, dsn = "pgx", url
	)
	if IsPostgresURL(url) {
		dialect = Postgres
		db, err = sql.Open(driverName, dsn)
		if err != nil {
			return nil, fmt.Errorf("opening postgres: %w", err)
		}
		// The readiness handle takes the pool's last connection
		// (health.go): a replica opens at most pgPoolSize.
		db.SetMaxOpenConns(pgPoolSize - 1)
		db.SetMaxIdleConns(pgPoolSize - 1)
	} else {
		dialect = SQLite
		path := strings.TrimPrefix(url, "sqlite://")
		if path == "" {
			return nil, errors.New("opening sqlite: empty path")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("creating data directory: %w", err)
			}
		}
		driverName, dsn = "sqlite", DefaultSQLiteConfig.dsn(path)
		db, err = sql.Open(driverName, dsn)
		if err != nil {
			return nil, fmt.Errorf("opening sqlite: %w", err)
		}
		// SQLite has one writer; a few connections let readers run beside it.
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
		db.SetConnMaxLifetime(0)
	}
	s := &Store{db: db, dialect: dialect, now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connecting to %s database: %w", dialect, err)
	}
	if s.health, err = openHealth(driverName, dsn); err != nil {
		_ = db.Close()
		return nil, err
	}
	if dialect == Postgres {
		s.startSealer()
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stopSealer()
	s.stmts.close()
	if s.health != nil {
		_ = s.health.Close()
	}
	return s.db.Close()
}

// Dialect returns the SQL flavor in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the handle for packages' tests that tamper with rows on purpose.
func (s *Store) DB() *sql.DB { return s.db }

// SetClock replaces time.Now (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now returns the store's clock, truncated to microseconds as stored.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func (s *Store) goose() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithGoMigrations(goMigrations(s.dialect)...)}
	if s.dialect == Postgres {
		d = goose.DialectPostgres
		// Replicas upgraded together start together: one migrates, the
		// others wait on a session advisory lock instead of racing it
		// (docs/operations.md, Upgrades).
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(d, s.db, sub, opts...)
}

// Migrate applies every pending migration and returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.goose()
	if err != nil {
		return 0, fmt.Errorf("loading migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("applying migrations: %w", err)
	}
	return len(res), nil
}

// MigrationStatus returns (applied, pending) counts.
func (s *Store) MigrationStatus(ctx context.Context) (applied, pending int, err error) {
	p, err := s.goose()
	if err != nil {
		return 0, 0, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range st {
		if m.State == goose.StateApplied {
			applied++
		} else {
			pending++
		}
	}
	return applied, pending, nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a transaction; repositories obtained from it act inside it.
type Tx struct {
	q       queryer
	dialect Dialect
	now     func() time.Time
	// On SQLite, statements are prepared once per connection and reused
	// (see stmtCache); sqlTx is the transaction they run in, nil outside one.
	st    *Store
	sqlTx *sql.Tx
	// conn is sqlTx's connection (PostgreSQL) and pipe the statements
	// Pipelined queues on it.
	conn *sql.Conn
	pipe *pipeline
	// auditOrd numbers the audit events queued in this transaction
	// (PostgreSQL, auditseal.go).
	auditOrd int64
	// appended is the pending audit event PipelinedLast already queued in
	// this transaction (or, in a group, this writer's savepoint).
	appended *PendingAudit
	// readCommitted: a PostgreSQL transaction at READ COMMITTED, whose
	// budget reservations may wait for COMMIT (ReserveBudgetAtCommit)
	// unless reserveInline; atCommit are those reservations.
	readCommitted, reserveInline bool
	atCommit                     []func(context.Context) error
	// genDirty: the kinds of data whose generation moves on when the
	// transaction commits (generation.go).
	genDirty [genKinds]bool
}

// handle returns a Tx-shaped view over the plain database.
func (s *Store) handle() *Tx { return &Tx{q: s.db, dialect: s.dialect, now: s.now, st: s} }

// Read runs fn outside a transaction (single statements, readers).
func (s *Store) Read() *Tx { return s.handle() }

// InTx runs fn in a transaction, committing when fn returns nil. On
// PostgreSQL the isolation is SERIALIZABLE (READ COMMITTED for a ctx from
// ReadCommitted) and serialization failures and deadlocks are retried; on
// SQLite the transaction holds the write lock from BEGIN.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	opts := &sql.TxOptions{}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelSerializable
		if isReadCommitted(ctx) {
			opts.Isolation = sql.LevelReadCommitted
		}
	}
	inline, recast := false, false
	for attempt := 0; ; attempt++ {
		err := s.tryTx(ctx, opts, inline, fn)
		if !recast && errors.Is(err, errStaleColumns) {
			// UpdateAll cast to column types a newer replica's migration
			// changed: they were forgotten; run fn again once.
			recast = true
			continue
		}
		if !inline && errors.Is(err, errReservationRefused) {
			// A reservation left for COMMIT did not fit: everything was
			// rolled back; run fn again reserving in place, so that it
			// sees the refusal and decides (ReserveBudgetAtCommit).
			inline = true
			continue
		}
		if err != nil && s.dialect == Postgres && isSerializationFailure(err) {
			if attempt+1 >= maxTxAttempts {
				return fmt.Errorf("%w: %d attempts: %w", ErrBusy, maxTxAttempts, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(retryBackoff(attempt)):
			}
			continue
		}
		return err
	}
}

func (s *Store) tryTx(ctx context.Context, opts *sql.TxOptions, inline bool, fn func(tx *Tx) error) (err error) {
	logStatement(ctx, "BEGIN")
	sqlTx, conn, release, err := s.beginTx(ctx, opts)
	if err == nil {
		defer release()
	}
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", mapErr(err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{q: sqlTx, dialect: s.dialect, now: s.now, st: s, sqlTx: sqlTx, conn: conn,
		readCommitted: opts.Isolation == sql.LevelReadCommitted, reserveInline: inline}
	if err = fn(tx); err != nil {
		return err
	}
	// The request's audit event joins the change it records.
	pending, err := tx.takePending(ctx)
	if err != nil {
		return err
	}
	// Budget reservations last: a line's balance row is then locked only
	// for the COMMIT.
	for _, f := range tx.atCommit {
		if err = f(ctx); err != nil {
			return err
		}
	}
	logStatement(ctx, "COMMIT")
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", mapErr(err))
	}
	s.commits.Add(1)
	if pending != nil {
		pending.markWritten()
	}
	tx.committed()
	if tx.auditOrd > 0 {
		s.kickSealer()
	}
	return nil
}

// maxTxAttempts bounds InTx's runs of a transaction that PostgreSQL
// refuses for concurrent changes; the last refusal is ErrBusy.
const maxTxAttempts = 20

// retryBackoff is the wait before run attempt+2 of a refused transaction:
// growing with the attempt (2 ms, 4 ms, … up to 40 ms) and spread by a
// random half, so that transactions refused together do not run again in
// lockstep and collide once more.
func retryBackoff(attempt int) time.Duration {
	base := time.Duration(min(attempt+1, 20)) * 2 * time.Millisecond
	return base/2 + rand.N(base)
}

func isSerializationFailure(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// rebind turns ? placeholders into $n for PostgreSQL.
func (t *Tx) rebind(q string) string {
	if t.dialect != Postgres {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if t.queue(ctx, q, args) {
		return driver.RowsAffected(0), nil // sent by Pipelined
	}
	logStatement(ctx, q)
	if st := t.stmt(ctx, q); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, mapErr(err)
	}
	res, err := t.q.ExecContext(ctx, t.rebind(q), args...)
	return res, mapErr(err)
}

// Query runs a query.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.flushPipe(ctx)
	logStatement(ctx, q)
	if st := t.stmt(ctx, q); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, mapErr(err)
	}
	rows, err := t.q.QueryContext(ctx, t.rebind(q), args...)
	return rows, mapErr(err)
}

// QueryRow runs a single-row query.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	t.flushPipe(ctx)
	logStatement(ctx, q)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.q.QueryRowContext(ctx, t.rebind(q), args...)
}

// Now is the transaction's clock.
func (t *Tx) Now() time.Time { return t.now().UTC().Truncate(time.Microsecond) }

// Dialect of the transaction's database.
func (t *Tx) Dialect() Dialect { return t.dialect }

// mapErr turns driver errors into the package's sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return fmt.Errorf("%w: %s", ErrDuplicate, pg.ConstraintName)
		case "23503":
			if strings.Contains(pg.Message, "update or delete") {
				return fmt.Errorf("%w: %s", ErrInUse, pg.ConstraintName)
			}
			return fmt.Errorf("%w: %s", ErrReference, pg.ConstraintName)
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", ErrDuplicate, se.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			// SQLite does not say which side failed; callers that delete
			// translate it to ErrInUse.
			return fmt.Errorf("%w: %s", ErrReference, se.Error())
		}
	}
	return err
}

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micros(*t)
}

func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}
