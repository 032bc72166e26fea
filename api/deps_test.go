package api_test

import (
	"fmt"
	"runtime/debug"
	"testing"
)

// The QUIC stack that gin links for HTTP/3 had advisory GO-2026-5676 in
// v0.59.0; the build must carry the update (v0.66.0, the newest when it
// was made) or later.
func TestQuicGoIsUpdated(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info")
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/quic-go/quic-go" {
			var major, minor, patch int
			if _, err := fmt.Sscanf(m.Version, "v%d.%d.%d", &major, &minor, &patch); err != nil || major == 0 && minor < 66 {
				t.Fatalf("quic-go %s: update past GO-2026-5676", m.Version)
			}
			return
		}
	}
	t.Fatal("quic-go is not linked: the check has nothing to look at")
}
