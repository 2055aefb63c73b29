package store

import (
	"github.com/alicebob/miniredis/v2"
)

// miniredis (v2.40.0) keeps a version counter per key, for WATCH, and never
// drops it: not when the key is deleted or expires, not on FLUSHALL. Every
// message writes a key of its own (its dedupe mark, for ten minutes), so
// the counters of keys long gone pile up for as long as the process runs:
// about 120 MB and a map five times the live keys after a million
// messages, each write probing it. The embedded server's loop drops the
// counters of keys that no longer exist once they outnumber the live keys
// (keyVersions.prune), and its expiry pass drops those of the keys it
// expires at once (dbMaps.delLocked); nothing here uses WATCH, for which a dropped
// counter would miss a change made to a watched key between its deletion
// and the prune.
//
// miniredis offers no way to reach the counters, so they are reached
// through its unexported fields, as dbMapsOf finds them (embedded_expiry.go),
// which checks their names and types; keyVersionsOf returns nil if they
// changed, the server then runs as before, and
// TestEmbeddedRedisForgetsVersionsOfKeysGone fails.
type keyVersions struct {
	m        *miniredis.Miniredis
	versions *map[string]uint   // RedisDB.keyVersion of DB 0
	live     *map[string]string // RedisDB.keys of DB 0
}

func keyVersionsOf(m *miniredis.Miniredis) *keyVersions {
	return dbMapsOf(m).keyVersions()
}

// prune drops the counters of keys that no longer exist when they
// outnumber the live keys (and a few thousand), in time proportional to
// the live keys; it reports how many it dropped.
func (k *keyVersions) prune() int {
	k.m.Lock()
	defer k.m.Unlock()
	versions, live := *k.versions, *k.live
	if len(versions) <= 2*len(live)+4096 {
		return 0
	}
	kept := make(map[string]uint, len(live))
	for key := range live {
		if n, ok := versions[key]; ok {
			kept[key] = n
		}
	}
	*k.versions = kept
	return len(versions) - len(kept)
}
