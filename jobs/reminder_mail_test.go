package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/mail"
)

func TestRemaining(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		due  time.Duration
		want string
	}{
		{36 * time.Hour, "1 day 12 hours"},
		{48 * time.Hour, "2 days"},
		{90 * time.Minute, "1 hour 30 minutes"},
		{12 * time.Hour, "12 hours"},
		{time.Minute, "1 minute"},
		{-20 * time.Second, "none, due now"},
		{-50 * time.Hour, "none, overdue by 2 days 2 hours"},
	}
	for _, tt := range tests {
		if got := remaining(now.Add(tt.due), now); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.due, got, tt.want)
		}
	}
}

// Both templates render every variant; the HTML one escapes what users typed.
func TestReminderMessageVariants(t *testing.T) {
	r := NewReminder(ReminderConfig{From: mail.Address{Email: "notices@example.com"}, BaseURL: "https://c.example"}, nil, nil)
	due := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	clock := due.Add(-72 * time.Hour)
	inc := candor.Incident{ID: "inc-1", Title: `<script>alert("x")</script> & more`}
	tests := []struct {
		name  string
		st    deadline.ObligationState
		mark  int
		now   time.Time
		texts []string
		html  []string
	}{
		{
			name: "soft, conditional, overdue",
			st: deadline.ObligationState{Obligation: deadline.Obligation{RuleID: "eu-gdpr-34-individuals", Jurisdiction: "EU",
				Name: "Communication to data subjects", Audience: deadline.AudienceIndividuals, Law: "GDPR Art. 34", DueAt: &due,
				ClockAt: &clock, Soft: true, DependsOn: []string{"high_risk"}, Deadline: deadline.Deadline{Amount: 72, Unit: deadline.UnitHours},
				ClockStart: deadline.ClockAwareness, TimeZone: "Europe/Brussels", Basis: "2 affected customers in the EU/EEA"}, Status: "overdue"},
			mark:  100,
			now:   due.Add(3 * time.Hour),
			texts: []string{"This deadline has passed.", "SOFT target", "Applies only if: high_risk (not yet known)", "overdue by 3 hours", "Notify:       individuals"},
			html:  []string{"<strong>soft</strong>", "&lt;script&gt;", "&amp; more"},
		},
		{
			name: "hard, staged, a clock date missing",
			st: deadline.ObligationState{Obligation: deadline.Obligation{RuleID: "ph-dpa-npc-full-report", Jurisdiction: "PH",
				Name: "Full report", Audience: deadline.AudienceRegulator, Law: "NPC Circular 16-03", Stage: "full_report", DueAt: &due,
				ClockAt: &clock, Missing: "determined_at not recorded", Deadline: deadline.Deadline{Amount: 5, Unit: deadline.UnitCalendarDays},
				ClockStart: deadline.ClockDetermination, TimeZone: "Asia/Manila"}, Status: "open"},
			mark:  50,
			now:   clock.Add(40 * time.Hour),
			texts: []string{"50% of the time to this deadline has passed.", "HARD deadline", "regulator (full_report)", "Note:         determined_at not recorded", "5 calendar days from determination"},
			html:  []string{"<strong>hard</strong>", "full_report"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rem := deadline.Reminder{IncidentID: inc.ID, ObligationKey: tt.st.RuleID, Mark: tt.mark, Recipient: deadline.RecipientKey("a@example.com")}
			it := dueReminder{rem: rem, inc: inc, st: tt.st}
			m, err := r.message("a@example.com", []dueReminder{it}, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("message does not validate: %v", err)
			}
			for _, want := range tt.texts {
				if !strings.Contains(m.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, m.Text)
				}
			}
			for _, want := range tt.html {
				if !strings.Contains(m.HTML, want) {
					t.Errorf("html lacks %q:\n%s", want, m.HTML)
				}
			}
			if strings.Contains(m.HTML, "<script>") || strings.ContainsAny(m.Subject, "\r\n") {
				t.Errorf("unescaped html or a broken subject: %q", m.Subject)
			}
			other := it
			other.rem.Mark = 80
			if m.DeliveryID != deliveryID([]dueReminder{it}) || deliveryID([]dueReminder{it}) == deliveryID([]dueReminder{other}) ||
				deliveryID([]dueReminder{it, other}) != deliveryID([]dueReminder{other, it}) {
				t.Error("delivery ids are not per set of reminders")
			}
		})
	}
}

// A digest lists every reminder, numbered, most urgent first as given, in
// both parts; the subject counts them and names the first.
func TestReminderDigestMessage(t *testing.T) {
	r := NewReminder(ReminderConfig{From: mail.Address{Email: "notices@example.com"}, BaseURL: "https://c.example"}, nil, nil)
	due := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	later := due.Add(24 * time.Hour)
	items := []dueReminder{
		{rem: deadline.Reminder{IncidentID: "inc-1", ObligationKey: "eu-gdpr-33-authority", Mark: 80, Recipient: "k"},
			inc: candor.Incident{ID: "inc-1", Title: "Stolen laptop"},
			st:  deadline.ObligationState{Obligation: deadline.Obligation{RuleID: "eu-gdpr-33-authority", Jurisdiction: "EU", Name: "Notification to the authority", DueAt: &due}}},
		{rem: deadline.Reminder{IncidentID: "inc-2", ObligationKey: "us-ca-individuals", Mark: 50, Recipient: "k"},
			inc: candor.Incident{ID: "inc-2", Title: "Misdelivered letters"},
			st:  deadline.ObligationState{Obligation: deadline.Obligation{RuleID: "us-ca-individuals", Jurisdiction: "US-CA", Name: "Notice to residents", DueAt: &later}}},
	}
	m, err := r.message("a@example.com", items, due.Add(-12*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 deadline reminders, in 2 incidents", "-- 1 of 2 --", "-- 2 of 2 --", "Stolen laptop", "Misdelivered letters",
		"80% of the time", "50% of the time", "https://c.example/console/incidents/inc-2/deadlines"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Index(m.Text, "Stolen laptop") > strings.Index(m.Text, "Misdelivered") || !strings.Contains(m.HTML, "2 of 2") {
		t.Errorf("order or html:\n%s", m.HTML)
	}
	if !strings.HasPrefix(m.Subject, "[Candor] 2 deadline reminders; first: 80% of the time used, EU Notification") || m.Headers["X-Candor-Incident"] != "" || m.Headers["X-Candor-Reminders"] != "2" {
		t.Errorf("subject %q headers %v", m.Subject, m.Headers)
	}
}
