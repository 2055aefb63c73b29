// Package storetest opens the stores for tests: embedded FerretDB and
// miniredis by default, the real servers named by SUPPLYBOT_TEST_MONGO_URI
// and SUPPLYBOT_TEST_REDIS_ADDR when those are set. Each test gets its own
// database and key prefix, so packages can run in parallel on one server.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"supplybot/store"
)

var (
	embeddedOnce sync.Once
	embedded     *store.EmbeddedMongo
	embeddedDir  string
	embeddedErr  error
)

// Main runs the tests of a package and then stops the shared embedded
// FerretDB and removes its files. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if embedded != nil {
		embedded.Close()
		os.RemoveAll(embeddedDir)
	}
	os.Exit(code)
}

// MongoURI returns the URI of the test MongoDB: the real one when
// SUPPLYBOT_TEST_MONGO_URI is set, else an embedded FerretDB shared by the
// package's tests.
func MongoURI(tb testing.TB) string {
	tb.Helper()
	if uri := os.Getenv("SUPPLYBOT_TEST_MONGO_URI"); uri != "" {
		return uri
	}
	embeddedOnce.Do(func() {
		embeddedDir, embeddedErr = os.MkdirTemp("", "supplybot-ferretdb-")
		if embeddedErr != nil {
			return
		}
		embedded, embeddedErr = store.StartEmbeddedMongo(embeddedDir, "127.0.0.1:0", nil)
	})
	if embeddedErr != nil {
		tb.Fatalf("start embedded FerretDB: %v", embeddedErr)
	}
	return embedded.URI()
}

// Embedded is the package's embedded FerretDB, nil when the tests run on
// the MongoDB named by SUPPLYBOT_TEST_MONGO_URI. Call MongoURI first.
func Embedded() *store.EmbeddedMongo { return embedded }

// UniqueName returns a short random name for a database or key prefix.
func UniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Mongo opens a fresh database for the test and drops it afterwards.
func Mongo(tb testing.TB) *store.Mongo {
	tb.Helper()
	uri := MongoURI(tb)
	name := UniqueName("t_")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := store.OpenMongo(ctx, uri, name)
	if err != nil {
		tb.Fatalf("open test MongoDB: %v", err)
	}
	if embedded != nil {
		// As the bot does (store/embedded_ids.go); collections created
		// later by the test stay unindexed, and small.
		if _, err := embedded.IndexIDs(ctx, name); err != nil {
			tb.Fatalf("index the test database: %v", err)
		}
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.DropDatabase(ctx)
		_ = m.Close(ctx)
	})
	return m
}

// RedisServer is the test's Redis: Addr and Prefix to configure a client,
// and Embedded when it is miniredis (nil on a real server).
type RedisServer struct {
	Addr     string
	Prefix   string
	Embedded *store.EmbeddedRedis
}

// RedisAddr returns a Redis for the test: the real server named by
// SUPPLYBOT_TEST_REDIS_ADDR, or a fresh miniredis closed at cleanup. The
// prefix is unique to the test.
func RedisAddr(tb testing.TB) RedisServer {
	tb.Helper()
	prefix := UniqueName("t") + ":"
	if addr := os.Getenv("SUPPLYBOT_TEST_REDIS_ADDR"); addr != "" {
		return RedisServer{Addr: addr, Prefix: prefix}
	}
	e, err := store.StartEmbeddedRedis("127.0.0.1:0", "")
	if err != nil {
		tb.Fatalf("start miniredis: %v", err)
	}
	tb.Cleanup(func() { _ = e.Close() })
	return RedisServer{Addr: e.Addr(), Prefix: prefix, Embedded: e}
}

// Redis opens a client on the test's Redis, closed at cleanup.
func Redis(tb testing.TB) *store.Redis {
	tb.Helper()
	srv := RedisAddr(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := store.OpenRedis(ctx, store.RedisOptions{Addr: srv.Addr, Prefix: srv.Prefix})
	if err != nil {
		tb.Fatalf("open test Redis: %v", err)
	}
	tb.Cleanup(func() { _ = r.Close() })
	return r
}
