package api_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestCallVolumeNotANumber: a rate that parses as NaN or infinity is out
// of bounds like any other (faq.Model.Validate), not a 500 from encoding
// NaN; the console's call-centre page shares the check.
func TestCallVolumeNotANumber(t *testing.T) {
	e := newPubEnv(t, testenv.SQLite(t))
	r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
	if r.Status != 201 {
		t.Fatalf("incident: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	for _, q := range []string{"rate=NaN", "rate=nan", "rate=Inf", "rate=-0.01", "rate=1.0001", "post_days=1e1", "post_days=99999999999999999999"} {
		r := e.do("GET", "/api/v1/incidents/"+id+"/call-volume?"+q, candor.RoleViewer, nil)
		field, _, _ := strings.Cut(q, "=")
		if r.Status != 422 || !strings.Contains(string(r.Raw), `"`+field+`"`) {
			t.Errorf("%s: %d %s", q, r.Status, r.Raw)
		}
	}
	for _, q := range []string{"rate=0", "rate=1", "post_days=0", "post_days=60"} {
		if r := e.do("GET", "/api/v1/incidents/"+id+"/call-volume?"+q, candor.RoleViewer, nil); r.Status != 200 {
			t.Errorf("%s: %d %s", q, r.Status, r.Raw)
		}
	}
}
