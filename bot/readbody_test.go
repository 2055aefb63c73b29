package bot

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readBody reads what io.ReadAll would, up to max+1 bytes, whatever the
// Content-Length says, in one allocation when it tells the truth.
func TestReadBody(t *testing.T) {
	body := strings.Repeat("<xml>推送</xml>", 100)
	n := int64(len(body))
	for _, c := range []struct {
		name        string
		length, max int64
		want        string
	}{
		{"announced", n, 1 << 20, body},
		{"unknown length", -1, 1 << 20, body},
		{"announced short", 10, 1 << 20, body},
		{"announced long", n * 3, 1 << 20, body},
		{"over max", n, 100, body[:101]},
		{"over max, unknown length", -1, 100, body[:101]},
		{"empty", 0, 1 << 20, ""},
	} {
		for _, r := range []io.Reader{strings.NewReader(body), iotest.OneByteReader(strings.NewReader(body)), iotest.DataErrReader(strings.NewReader(body))} {
			if c.name == "empty" {
				r = strings.NewReader("")
			}
			got, err := readBody(nil, r, c.length, c.max)
			if err != nil || string(got) != c.want {
				t.Errorf("%s: %d bytes (%v), want %d", c.name, len(got), err, len(c.want))
			}
		}
	}
	raw, rd := []byte(body), bytes.NewReader(nil)
	if a := testing.AllocsPerRun(20, func() { rd.Reset(raw); _, _ = readBody(nil, rd, n, 1<<20) }); a > 2 {
		t.Errorf("a body of the announced length took %.0f allocations", a)
	}
	// A buffer kept from a longer push is read into, from its start.
	reused := []byte(strings.Repeat("x", 2*int(n)+1))
	got, err := readBody(reused[:5], strings.NewReader(body), n, 1<<20)
	if err != nil || string(got) != body || &got[0] != &reused[0] {
		t.Errorf("into a reused buffer: %q (%v), own array %v", got, err, len(got) > 0 && &got[0] == &reused[0])
	}
	if a := testing.AllocsPerRun(20, func() { rd.Reset(raw); _, _ = readBody(reused, rd, n, 1<<20) }); a > 1 {
		t.Errorf("a body read into a buffer with room took %.0f allocations", a)
	}
	boom := errors.New("boom")
	if _, err := readBody(nil, iotest.ErrReader(boom), -1, 100); !errors.Is(err, boom) {
		t.Errorf("a failing body: %v", err)
	}
}
