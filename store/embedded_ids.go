package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // FerretDB's own SQLite driver, registered as "sqlite"
)

// FerretDB 1.24 on SQLite indexes _id as _ferretdb_sjson->"_id", but the
// SQL it runs for a lookup, an update or a delete by _id says
// _ferretdb_sjson->'$._id'. SQLite matches an expression index to a query
// only when the two expressions are written alike, so none of those uses
// the index: each scans the table (BenchmarkFerretDBByID). IndexIDs adds,
// beside FerretDB's own, an index on the expression its queries use; SQLite
// then serves them from it.
//
// FerretDB does not know of the index: it does not list it, and dropping a
// collection drops its table and with it the index. It only makes
// FerretDB's own queries faster; what they return is unchanged.

// idIndexSuffix names the added index after its table.
const idIndexSuffix = "__supplybot_id_lookup"

// IndexIDs adds the lookup-by-_id index to every collection of database
// that lacks it and reports how many it added. A database that does not
// exist yet is not created.
func (e *EmbeddedMongo) IndexIDs(ctx context.Context, database string) (int, error) {
	path := filepath.Join(e.dir, database+".sqlite")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	// mode=rw: never create the file; FerretDB creates its databases.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`, idIndexSuffix)
	if err != nil {
		return 0, fmt.Errorf("%s: list collections: %w", database, err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	added := 0
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+idIndexSuffix, t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if isNoSuchTable(err) {
				continue // dropped meanwhile
			}
			return added, fmt.Errorf("%s: index %s: %w", database, t, err)
		}
		added++
	}
	return added, nil
}

func isNoSuchTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}

// idIndexEvery is the pause between two passes of KeepIDsIndexed.
var idIndexEvery = 5 * time.Second

// KeepIDsIndexed indexes database's collections now (IndexIDs) and again
// every few seconds until ctx is done or Close, for collections created
// later: FerretDB creates one at its first insert. A pass reads only the
// list of collections, whatever their size, and a collection indexed a
// few seconds after its creation has few documents by then. A failed pass
// is logged to log (when not nil) and retried.
func (e *EmbeddedMongo) KeepIDsIndexed(ctx context.Context, database string, log *slog.Logger) error {
	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	_, err := e.IndexIDs(fctx, database)
	cancel()
	if err != nil {
		return err
	}
	every := idIndexEvery
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-e.done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_, err := e.IndexIDs(pctx, database)
			cancel()
			if err != nil && log != nil && ctx.Err() == nil {
				log.Warn("embedded MongoDB: index by _id", "database", database, "err", err)
			}
		}
	}()
	return nil
}
