package bot

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"unsafe"
)

// signature is util.Signature, the SDK's signature of a push or a reply
// (the hex SHA-1 of its parts sorted and joined), without its copies: the
// SDK's writes each part into the hash through io.WriteString, which
// copies it, sorts the caller's slice in place and formats the sum with
// fmt. For a reply the parts include its Encrypt, several kilobytes: the
// copies were 7% of the bytes the bot allocated per 帮助 over a real
// Redis, and allocation is what its garbage collector pays for.
// TestSignatureIsTheSDKs compares the two.
func signature(parts ...string) string {
	var sorted [4]string
	ps := sorted[:0]
	if len(parts) <= len(sorted) {
		ps = append(ps, parts...)
	} else {
		ps = slices.Clone(parts)
	}
	slices.Sort(ps)
	h := sha1.New()
	for _, s := range ps {
		// The hash reads the bytes and keeps none of them.
		_, _ = h.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
	}
	var sum [sha1.Size]byte
	var out [2 * sha1.Size]byte
	hex.Encode(out[:], h.Sum(sum[:0]))
	return string(out[:])
}
