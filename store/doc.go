// Package store keeps supplybot's records: MongoDB repositories and indexes,
// Redis sessions, dedupe marks and rate limits, and the embedded servers
// (FerretDB and miniredis) used by the local default and by tests.
//
// Database tags and driver errors stay here: callers see the records and
// sentinel errors declared in this package. It must not import bot or handlers.
package store
