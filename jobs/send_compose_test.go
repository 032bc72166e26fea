package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/store"
)

// A batch's messages are composed before any is sent: a recipient who
// cannot be mailed fails with the reason, and a render cut short by the
// worker stopping leaves the delivery pending, its attempt not counted.
func TestComposeBatchOutcomes(t *testing.T) {
	// Long enough a loop that the render checks its context (every 64
	// steps).
	cats := make([]string, 200)
	for i := range cats {
		cats[i] = fmt.Sprintf("cat%d", i)
	}
	recipients := map[string]candor.Customer{
		"c1": {ID: "c1", Name: "Aiko", Email: "aiko@example.com", Locale: "en", DataCategories: cats},
	}
	batch := []store.Claimed{
		{ID: "d1", CustomerID: sql.NullString{String: "c1", Valid: true}},
		{ID: "d2", CustomerID: sql.NullString{String: "gone", Valid: true}}, // erased since the dispatch
	}
	tests := []struct {
		name       string
		stopped    bool
		wantStatus []string // "" where a message is composed
		wantError  []string
		throttled  []bool
	}{
		{"running", false, []string{"", candor.DeliveryFailed}, []string{"", "render: the customer was erased"}, []bool{false, false}},
		// Stopping, any failure is left for the retry to judge.
		{"stopping", true, []string{candor.DeliveryPending, candor.DeliveryPending},
			[]string{"not sent: worker stopping", "not sent: worker stopping"}, []bool{true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Sender{cfg: SenderConfig{From: mail.Address{Name: "Example Corp", Email: "notices@example.com"}}}
			msg := &compiled{
				content: candor.DisclosureContent{DefaultLocale: "en", Variants: map[string]candor.Variant{"en": {
					Subject: "Notice", Body: "<p>Dear {{.Customer.Name}},</p><p>{{range .Customer.DataCategories}}{{.}} {{end}}</p>"}}},
				tpls: map[string]*render.Bound{}, byCustomer: map[string]*render.Bound{},
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.stopped {
				cancel()
			}
			msgs, out := s.composeBatch(ctx, candor.Send{ID: "s1"}, msg, batch, recipients)
			for j := range batch {
				o := out[j]
				if o.ID != batch[j].ID || o.SendID != "s1" || o.CustomerID != batch[j].CustomerID.String {
					t.Fatalf("outcome %d: ids %+v", j, o)
				}
				if o.Status != tt.wantStatus[j] || !strings.HasPrefix(o.Error, tt.wantError[j]) || o.Throttled != tt.throttled[j] {
					t.Fatalf("outcome %d: %+v, want status %q, error %q…, throttled %v", j, o, tt.wantStatus[j], tt.wantError[j], tt.throttled[j])
				}
				if composed := msgs[j] != nil; composed != (tt.wantStatus[j] == "") {
					t.Fatalf("message %d composed: %v, outcome %+v", j, composed, o)
				}
			}
			if m := msgs[0]; m != nil && (m.To.Email != "aiko@example.com" || !strings.Contains(m.HTML, "cat199") || m.DeliveryID != "d1") {
				t.Fatalf("message: to %q, id %q, html %.80q", m.To.Email, m.DeliveryID, m.HTML)
			}
		})
	}
}
