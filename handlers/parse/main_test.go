package parse

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	recoverPanics = false // let bugs panic in tests
	os.Exit(m.Run())
}
