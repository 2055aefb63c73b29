// Package store keeps supplybot's records: MongoDB repositories and indexes,
// Redis sessions, dedupe marks and rate limits, and the embedded servers
// (FerretDB and miniredis) used by the local default and by tests.
//
// Database tags and driver errors stay here: callers see the records and
// sentinel errors declared in this package. It must not import handlers; it
// imports bot only for the op type of bot.KV's Batch, which Redis.Batch
// implements.
//
// What the embedded FerretDB 1.24 (SQLite) serves from an index: nothing but
// the uniqueness check of an insert. Its _id index is on the SQL expression
// _ferretdb_sjson->"_id", while the query it pushes down for a lone _id
// filter asks for _ferretdb_sjson->'$._id', which SQLite does not match to
// the index (EXPLAIN QUERY PLAN: SCAN). So a read by a lone _id scans the
// table in SQL until it finds the document (a missing one: all of it), any
// other filter reads and decodes every document in Go, and an update or a
// delete, even by _id, scans the table (BenchmarkFerretDBByID). A lone _id
// is still the cheapest lookup there, and small collections (claims, owner
// documents, owed lists, feeds) keep it cheap; on MongoDB every query here
// uses the indexes declared beside its repository.
package store
