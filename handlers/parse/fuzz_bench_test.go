package parse

import (
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, c := range corpus {
		f.Add(c.text)
	}
	for _, s := range []string{
		"", "\xff", "<b>", "&nbsp;", "１２３４５", "三万五千万亿件", "2027-13-45", "99月99日", "Q5", "第九季度",
		"单价-元", "¥¥¥", "MOQ", "起订", "交期天", "重庆重庆重庆", "江北江北", "𝕏😀\u200d\ufe0f", "一点", "点五万",
	} {
		f.Add(s)
	}
	p, err := New()
	if err != nil {
		f.Fatal(err)
	}
	recoverPanics = false
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		post := p.Parse(s, corpusNow)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(s))
		}
		for _, f := range []string{post.Product, post.Spec, post.Mobile} {
			if !utf8.ValidString(f) {
				t.Fatalf("invalid UTF-8 in output %q", f)
			}
		}
		for _, k := range post.Keywords {
			if !utf8.ValidString(k) || k == "" {
				t.Fatalf("bad keyword %q", k)
			}
		}
		if post.Deadline != nil && (post.Deadline.Hour() != 23 || post.Deadline.Location() != CST) {
			t.Fatalf("deadline %v not end of day", post.Deadline)
		}
		if post.Price != nil && (post.Price.Min < 0 || post.Price.Max < 0) {
			t.Fatalf("negative price %+v", post.Price)
		}
		// the standalone helpers must not panic either
		ParseQuantity(s)
		ParseCapacity(s)
		ParsePrice(s)
		ParseDate(s, corpusNow)
		p.ParseRegion(s)
		p.ParseCategory(s)
		NormalizeCertification(s)
		ValidMobile(s)
		ValidUSCC(s)
		if n := Normalize(s); !utf8.ValidString(n) {
			t.Fatalf("Normalize returned invalid UTF-8")
		}
	})
}

func BenchmarkParse(b *testing.B) {
	p := mustParser(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := corpus[i%len(corpus)]
		_ = p.Parse(c.text, corpusNow)
	}
}

func BenchmarkParseCorpusPass(b *testing.B) {
	p := mustParser(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range corpus {
			_ = p.Parse(c.text, corpusNow)
		}
	}
}
