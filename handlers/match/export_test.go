package match

// LabelledRecordPair is a hand-labelled pair of records, for the tests of
// package match_test that count all labelled pairs together.
type LabelledRecordPair struct {
	Name  string
	D, O  Record
	Match bool
}

// LabelledRecordPairs returns labelledPairs.
func LabelledRecordPairs() []LabelledRecordPair {
	var out []LabelledRecordPair
	for _, p := range labelledPairs() {
		out = append(out, LabelledRecordPair{p.name, p.d, p.o, p.match})
	}
	return out
}

// TestNow is the clock of the record pairs.
var TestNow = testNow
