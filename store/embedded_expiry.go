package store

import (
	"reflect"
	"time"
	"unsafe"

	"github.com/alicebob/miniredis/v2"
)

// miniredis (v2.40.0) expires keys only in FastForward, which sorts every
// key of the database under its one lock before it looks at their TTLs,
// and lists keys for a save only sorted (Keys). In the five-minute mix at
// 300 messages/s an expiry pass took 62–234 ms at 89,000–136,000 keys,
// and a save 380–840 ms, sorting the keys first; every command waited for
// the sorts, so 帮助's p99 was 80–130 ms where its p95 was 11–19 ms
// (docs/BENCHMARKS.md).
//
// dbMaps reaches DB 0's maps through miniredis's unexported fields (the
// version counters are pruned through it too), so that the expiry pass
// walks the TTLs without sorting and deletes what expired as miniredis's
// own del does, and a save copies the string keys in one pass under the
// lock and writes them after it.
// dbMapsOf checks every field's name and type and returns nil if one
// changed; the server then uses FastForward and Keys as before, and
// TestEmbeddedExpiryAgreesWithFastForward fails.
type dbMaps struct {
	m          *miniredis.Miniredis
	keys       *map[string]string        // key → type
	ttl        *map[string]time.Duration // time left, for keys with one
	stringKeys *map[string]string
	lru        *map[string]time.Time
	keyVersion *map[string]uint
	hashTTLs   reflect.Value // map[string]map[string]time.Duration: field TTLs
	// setKeys is miniredis's map[string]setKey, whose setKey is a
	// map[string]struct{}, read through that type: the same memory.
	setKeys *map[string]map[string]struct{}
	// byType holds the map of each other key type, settable, by the
	// type's name in keys.
	byType map[string]reflect.Value
	dbs    reflect.Value // Miniredis.dbs: the databases used so far
}

// otherTypes are miniredis's key types besides strings: the type name
// keys holds, and the field of RedisDB holding their values.
var otherTypes = map[string]string{
	"hash": "hashKeys", "list": "listKeys", "set": "setKeys", "zset": "sortedsetKeys",
	"stream": "streamKeys", "hll": "hllKeys",
}

func dbMapsOf(m *miniredis.Miniredis) *dbMaps {
	db := reflect.ValueOf(m.DB(0)).Elem()
	field := func(name string, want reflect.Type) (reflect.Value, bool) {
		f := db.FieldByName(name)
		if !f.IsValid() || (want != nil && f.Type() != want) || f.Kind() != reflect.Map {
			return reflect.Value{}, false
		}
		return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), true
	}
	keys, ok1 := field("keys", reflect.TypeFor[map[string]string]())
	ttl, ok2 := field("ttl", reflect.TypeFor[map[string]time.Duration]())
	str, ok3 := field("stringKeys", reflect.TypeFor[map[string]string]())
	lru, ok4 := field("lru", reflect.TypeFor[map[string]time.Time]())
	ver, ok5 := field("keyVersion", reflect.TypeFor[map[string]uint]())
	hashTTLs, ok6 := field("hashTTLs", reflect.TypeFor[map[string]map[string]time.Duration]())
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return nil
	}
	sets, ok7 := field("setKeys", nil)
	if !ok7 || sets.Type().Key().Kind() != reflect.String || sets.Type().Elem().Kind() != reflect.Map ||
		sets.Type().Elem().Key().Kind() != reflect.String || sets.Type().Elem().Elem() != reflect.TypeFor[struct{}]() {
		return nil
	}
	d := &dbMaps{m: m,
		setKeys:    (*map[string]map[string]struct{})(unsafe.Pointer(sets.UnsafeAddr())),
		keys:       keys.Addr().Interface().(*map[string]string),
		ttl:        ttl.Addr().Interface().(*map[string]time.Duration),
		stringKeys: str.Addr().Interface().(*map[string]string),
		lru:        lru.Addr().Interface().(*map[string]time.Time),
		keyVersion: ver.Addr().Interface().(*map[string]uint),
		hashTTLs:   hashTTLs,
		byType:     map[string]reflect.Value{},
	}
	dbs := reflect.ValueOf(m).Elem().FieldByName("dbs")
	if !dbs.IsValid() || dbs.Kind() != reflect.Map {
		return nil
	}
	d.dbs = dbs
	for t, name := range otherTypes {
		f, ok := field(name, nil)
		if !ok || f.Type().Key().Kind() != reflect.String {
			return nil
		}
		d.byType[t] = f
	}
	return d
}

// expire advances the TTLs by elapsed and deletes the keys whose TTL ran
// out, as FastForward does, in time proportional to the keys with a TTL
// and without sorting them (4.3–4.9 ms against FastForward's 60–67 ms at
// 100,000 keys, BenchmarkEmbeddedExpiryPass). It walks the TTLs, not the
// keys, and does not look each key up: a TTL left without its key, which
// miniredis does not leave, would run out and be dropped here, where
// FastForward would leave it. It reports false, doing nothing, when a hash
// has field TTLs or a database other than 0 is in use (nothing here does
// either): FastForward handles those.
func (d *dbMaps) expire(elapsed time.Duration) (expired int, ok bool) {
	d.m.Lock()
	defer d.m.Unlock()
	if d.hashTTLs.Len() > 0 || d.dbs.Len() > 1 {
		return 0, false
	}
	ttl := *d.ttl
	var gone []string
	for k, left := range ttl {
		left -= elapsed
		ttl[k] = left
		if left <= 0 {
			gone = append(gone, k)
		}
	}
	for _, k := range gone {
		d.delLocked(k)
	}
	return len(gone), true
}

// delLocked deletes key k and its TTL as miniredis's RedisDB.del does,
// but drops the key's version counter where del bumps it: only WATCH reads
// it, which nothing here uses (embedded_versions.go), and a counter left
// per expired key made the prune rebuild the counters over and over; left
// at up to its threshold, a burst's counters stayed.
func (d *dbMaps) delLocked(k string) {
	t := (*d.keys)[k]
	delete(*d.keys, k)
	delete(*d.lru, k)
	delete(*d.keyVersion, k)
	delete(*d.ttl, k)
	if t == "string" {
		delete(*d.stringKeys, k)
		return
	}
	if m, ok := d.byType[t]; ok {
		m.SetMapIndex(reflect.ValueOf(k), reflect.Value{})
	}
	if t == "hash" {
		d.hashTTLs.SetMapIndex(reflect.ValueOf(k), reflect.Value{})
	}
}

// keyVersions is the view of the maps that prunes miniredis's version
// counters (embedded_versions.go); nil when d is.
func (d *dbMaps) keyVersions() *keyVersions {
	if d == nil {
		return nil
	}
	return &keyVersions{m: d.m, versions: d.keyVersion, live: d.keys}
}

// entries returns every string key with its value and every set with its
// members, with their TTLs, copied in one pass under the lock, unsorted.
// The strings are shared, not copied; the member lists are new.
func (d *dbMaps) entries() []snapshotEntry {
	d.m.Lock()
	defer d.m.Unlock()
	ttl := *d.ttl
	out := make([]snapshotEntry, 0, len(*d.stringKeys)+len(*d.setKeys))
	for k, v := range *d.stringKeys {
		out = append(out, snapshotEntry{Key: k, Value: v, TTL: ttl[k]})
	}
	for k, set := range *d.setKeys {
		members := make([]string, 0, len(set))
		for m := range set {
			members = append(members, m)
		}
		out = append(out, snapshotEntry{Key: k, Members: members, TTL: ttl[k]})
	}
	return out
}

// dropTracking empties DB 0's idle times (lru) and version counters
// (keyVersion), unless used says they are read. miniredis keeps both for
// every key it writes and reads, for OBJECT IDLETIME and for WATCH alone;
// nothing here sends either (EmbeddedRedis.watchCommands watches for them),
// so between two expiry passes they hold only the keys touched since the
// last: at 300 messages/s for the dedupe window's ten minutes, about
// 200,000 entries (15–20 MB of heap) fewer. used is asked under the
// server's lock, so a WATCH that ran before it was set finds the counters
// emptied before it read them, never after.
func (d *dbMaps) dropTracking(used func() bool) {
	d.m.Lock()
	defer d.m.Unlock()
	if used() {
		return
	}
	if len(*d.lru) > 0 {
		*d.lru = map[string]time.Time{}
	}
	if len(*d.keyVersion) > 0 {
		*d.keyVersion = map[string]uint{}
	}
}
