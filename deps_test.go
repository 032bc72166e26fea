package candor_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The QUIC stack that gin links for HTTP/3 had advisory GO-2026-5676 in
// v0.59.0: the module graph must require the update (v0.66.0, the newest
// when it was made) or later. go.mod's requirement is the version every
// build of Candor uses.
func TestQuicGoIsUpdated(t *testing.T) {
	f, err := os.Open("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "github.com/quic-go/quic-go" {
			var major, minor, patch int
			if _, err := fmt.Sscanf(fields[1], "v%d.%d.%d", &major, &minor, &patch); err != nil || major == 0 && minor < 66 {
				t.Fatalf("quic-go %s: update past GO-2026-5676", fields[1])
			}
			return
		}
	}
	t.Fatal("go.mod does not require quic-go: the check has nothing to look at")
}
