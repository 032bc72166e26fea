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
			msgs, out, _ := s.composeBatch(ctx, candor.Send{ID: "s1"}, msg, batch, recipients)
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

// The process's memory budget ends a batch early instead of holding more
// than it allows, and a task holding nothing always gets its message.
func TestComposeBatchMemoryBudget(t *testing.T) {
	recipients := map[string]candor.Customer{}
	var batch []store.Claimed
	for i := range 10 {
		id := fmt.Sprintf("c%d", i)
		recipients[id] = candor.Customer{ID: id, Name: "N", Email: id + "@example.com", Locale: "en"}
		batch = append(batch, store.Claimed{ID: "d" + id, CustomerID: sql.NullString{String: id, Valid: true}})
	}
	// ~100 KB of HTML and as much text a message.
	body := "{{range 2000}}<p>" + strings.Repeat("x", 50) + "</p>{{end}}"
	msg := &compiled{content: candor.DisclosureContent{DefaultLocale: "en", Variants: map[string]candor.Variant{"en": {
		Subject: "Notice", Body: body}}}, tpls: map[string]*render.Bound{}, byCustomer: map[string]*render.Bound{}}
	for _, tc := range []struct {
		budget int64
		want   int
	}{{1 << 30, 10}, {500 << 10, 2}, {1, 1}} {
		s := &Sender{cfg: SenderConfig{From: mail.Address{Email: "notices@example.com"}}, mem: newMemBudget(tc.budget)}
		msgs, out, held := s.composeBatch(context.Background(), candor.Send{ID: "s1"}, msg, batch, recipients)
		if len(msgs) != tc.want || len(out) != tc.want || held > max(tc.budget, 1) {
			t.Errorf("budget %d: %d messages, %d held", tc.budget, len(msgs), held)
		}
		for i, m := range msgs {
			if m == nil || out[i].Status != "" {
				t.Errorf("budget %d: message %d %v %+v", tc.budget, i, m == nil, out[i])
			}
		}
		s.mem.release(held)
		if s.mem.held.Load() != 0 {
			t.Errorf("budget %d: %d bytes still held", tc.budget, s.mem.held.Load())
		}
	}
}
