// Package store keeps supplybot's records: MongoDB repositories and indexes,
// Redis sessions, dedupe marks and rate limits, and the embedded servers
// (FerretDB and miniredis) used by the local default and by tests.
//
// Database tags and driver errors stay here: callers see the records and
// sentinel errors declared in this package. It must not import handlers; it
// imports bot only for the op type of bot.KV's Batch, which Redis.Batch
// implements.
//
// What the embedded FerretDB 1.24 (SQLite) serves from an index: a filter
// that is a lone string _id, and the uniqueness check of an insert. Any
// other filter reads and decodes every document in Go. FerretDB's own _id
// index is on _ferretdb_sjson->"_id" while the SQL it runs for a lone _id
// says _ferretdb_sjson->'$._id', which SQLite does not match to it; the
// index EmbeddedMongo.IndexIDs adds is on the latter (embedded_ids.go), so
// reads, updates and deletes by a lone _id stay flat as collections grow
// (BenchmarkFerretDBByID). The process that started the embedded store
// serves it alone and keeps in memory what it would otherwise read by a
// filter (Mongo.ServeAlone). On MongoDB every query here uses the indexes
// declared beside its repository.
package store
