package jobs

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		ip     string
		public bool
	}{
		{"93.184.216.34", true}, {"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false}, {"127.8.8.8", false}, {"::1", false}, {"10.1.2.3", false}, {"172.16.0.1", false},
		{"192.168.1.1", false}, {"169.254.169.254", false}, {"fe80::1", false}, {"fc00::1", false},
		{"100.64.0.1", false}, {"0.0.0.0", false}, {"::", false}, {"224.0.0.1", false}, {"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
	} {
		if got := publicAddr(netip.MustParseAddr(tc.ip)); got != tc.public {
			t.Errorf("%s: public %v, want %v", tc.ip, got, tc.public)
		}
	}
}

// The guard holds at connect time, whatever name the URL uses.
func TestWebhookClientRefusesInternalTargets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, u := range []string{srv.URL, "http://localhost" + port} {
		res, err := webhookClient(false).Post(u, "application/json", nil)
		if err == nil {
			res.Body.Close()
			t.Errorf("%s: reached an internal address", u)
		} else if !strings.Contains(err.Error(), "not a public address") {
			t.Errorf("%s: %v", u, err)
		}
	}
	res, err := webhookClient(true).Post(srv.URL, "application/json", nil)
	if err != nil || res.StatusCode != 204 {
		t.Fatalf("allowed private: %v", err)
	}
	res.Body.Close()
}
