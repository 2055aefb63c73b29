package store

import (
	"fmt"
	"testing"
	"time"
)

// TestSearchIndexForgetsWhatIsGone: records removed, replaced or expired
// leave no entry behind in the lists of the parts they were in, however
// few records a part holds, and a part left with none is dropped.
func TestSearchIndexForgetsWhatIsGone(t *testing.T) {
	x := NewSearchIndex()
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	post := func(i, version int) Post {
		return Post{ID: fmt.Sprintf("%024x", i), No: fmt.Sprint("O", i), Kind: "offer", Status: StatusOpen, Product: "PCB",
			Keywords: []string{"PCB", fmt.Sprint("v", version)}, EnterpriseID: fmt.Sprint("e", i), CategoryCode: "elec.pcb",
			Region:    Region{Province: "四川省", City: "成都市", District: fmt.Sprint("区", i%7)},
			CreatedAt: now.Add(time.Duration(i) * time.Second), ExpiresAt: now.Add(time.Hour)}
	}
	for i := range 3000 {
		x.Put(post(i, 0))
		x.Put(post(i, 1)) // re-keyed: the first version dies
		if i%2 == 0 {
			x.Remove(post(i, 1).ID)
		}
	}
	x.Prune(now.Add(2 * time.Hour))
	k := x.kinds["offer"]
	entries := len(k.all)
	for _, sub := range k.parts {
		entries += len(sub.all)
	}
	if x.Len() != 0 || len(k.parts) != 0 || entries > 0 {
		t.Fatalf("after every record went: %d held, %d parts, %d entries in the lists", x.Len(), len(k.parts), entries)
	}
}
