package bot

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// signature signs as the SDK's util.Signature does, for any number of
// parts, and leaves its arguments as they were.
func TestSignatureIsTheSDKs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, r.IntN(3000))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return string(b)
	}
	for n := range 7 {
		for range 50 {
			parts := make([]string, n)
			for i := range parts {
				parts[i] = word()
			}
			mine := slices.Clone(parts)
			got := signature(mine...)
			if want := util.Signature(slices.Clone(parts)...); got != want {
				t.Fatalf("%d parts: %s, the SDK's %s", n, got, want)
			}
			if !slices.Equal(mine, parts) {
				t.Fatalf("%d parts: signature reordered its arguments", n)
			}
		}
	}
	// Tencent's published sample: token, timestamp, nonce and Encrypt.
	const sample = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bg=="
	if got, want := signature("QDG6eK", "1409659813", "1372623149", sample), util.Signature("QDG6eK", "1409659813", "1372623149", sample); got != want || strings.ToLower(got) != got || len(got) != 40 {
		t.Errorf("sample: %s, the SDK's %s", got, want)
	}
}

func BenchmarkSignature(b *testing.B) {
	enc := strings.Repeat("QUJD", 800)
	b.Run("mine", func(b *testing.B) {
		for b.Loop() {
			_ = signature("token", "1409659813", "1372623149", enc)
		}
	})
	b.Run("sdk", func(b *testing.B) {
		for b.Loop() {
			_ = util.Signature("token", "1409659813", "1372623149", enc)
		}
	})
}
