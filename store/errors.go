package store

import "errors"

// Sentinel errors returned by the repositories. Driver errors such as
// mongo.ErrNoDocuments and redis.Nil are translated into these at the
// package boundary so callers never depend on a driver.
var (
	// ErrNotFound: the record or key does not exist (or has expired).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a unique key is already taken.
	ErrConflict = errors.New("store: conflict")
)
