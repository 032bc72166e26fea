package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/store"
)

// kawasakiIncident is the seed case as a client would enter it: discovered
// on 2020-06-11 in Tokyo (midnight there), malicious; here names with
// Social Security numbers, acquired and a high risk, so that the US and
// Philippine duties apply (they cover only such data; a name and an e-mail
// address, the real case's, bring none: see jurisdictions.TestSeedCase).
var kawasakiIncident = map[string]any{
	"title":            "Unauthorized access to Kawasaki Group",
	"summary":          "Connections from overseas offices to servers in Japan.",
	"discovered_at":    "2020-06-11T00:00:00+09:00",
	"severity":         "high",
	"cause":            "unauthorized_access",
	"malicious":        true,
	"acquired":         true,
	"high_risk":        true,
	"data_categories":  []string{"name", "national_id"},
	"reporting_entity": map[string]any{"name": "Kawasaki Heavy Industries", "country": "JP"},
	"owner_email":      "owner@example.com",
	"legal_contacts":   []string{"legal@example.com"},
}

type obligationItem struct {
	RuleID       string     `json:"rule_id"`
	Jurisdiction string     `json:"jurisdiction"`
	Audience     string     `json:"audience"`
	Law          string     `json:"law"`
	Stage        string     `json:"stage"`
	DueAt        *time.Time `json:"due_at"`
	DueLocal     string     `json:"due_local"`
	Soft         bool       `json:"soft"`
	Status       string     `json:"status"`
	MetAt        *time.Time `json:"met_at"`
	Late         *bool      `json:"late"`
	LateBy       *string    `json:"late_by"`
	MetBy        *struct {
		At           time.Time `json:"at"`
		SendID       string    `json:"send_id"`
		DisclosureID string    `json:"disclosure_id"`
		Sends        []struct {
			SendID string `json:"send_id"`
		} `json:"sends"`
		LetterBatches []struct {
			BatchID  string `json:"batch_id"`
			MailedOn string `json:"mailed_on"`
		} `json:"letter_batches"`
	} `json:"met_by"`
	Notified *struct {
		EmailCustomers int `json:"email_customers"`
		Notified       int `json:"notified"`
	} `json:"notified"`
	Basis string `json:"basis"`
}

type obligationsBody struct {
	IncidentID string           `json:"incident_id"`
	RulesAsOf  time.Time        `json:"rules_as_of"`
	Items      []obligationItem `json:"items"`
	Disclaimer string           `json:"disclaimer"`
}

// obligations GETs the incident's obligations keyed by rule id.
func (e *env) obligations(id, query string) (map[string]obligationItem, obligationsBody) {
	e.t.Helper()
	r := e.do("GET", "/api/v1/incidents/"+id+"/obligations"+query, candor.RoleViewer, nil)
	if r.Status != 200 {
		e.t.Fatalf("obligations%s: %d %s", query, r.Status, r.Raw)
	}
	var body obligationsBody
	if err := json.Unmarshal(r.Raw, &body); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]obligationItem{}
	for _, it := range body.Items {
		out[it.RuleID] = it
	}
	return out, body
}

func (e *env) createIncident(body map[string]any) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/incidents", candor.RoleLegal, body) // legal: the seed names contacts
	if r.Status != 201 {
		e.t.Fatalf("create incident: %d %s", r.Status, r.Raw)
	}
	return r.Body["id"].(string)
}

func TestObligationsEndToEnd(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.createIncident(kawasakiIncident)
			for _, p := range []struct {
				country, region string
				n               int
			}{{"JP", "", 3}, {"TH", "", 2}, {"ID", "", 2}, {"PH", "", 2}, {"US", "US-CA", 3}} {
				testenv.Customers(t, e.db, id, p.country, p.region, "email", p.n)
			}
			texans := testenv.Customers(t, e.db, id, "US", "US-TX", "email", 250)
			postal := testenv.Customers(t, e.db, id, "US", "US-TX", "postal", 1) // reached only by letter

			// 2020 rules versus today's.
			then, body := e.obligations(id, "")
			if body.Disclaimer != jurisdictions.Disclaimer || body.IncidentID != id ||
				!body.RulesAsOf.Equal(time.Date(2020, 6, 10, 15, 0, 0, 0, time.UTC)) {
				t.Errorf("envelope: %+v", body)
			}
			now, _ := e.obligations(id, "?as_of=today")
			for _, tt := range []struct {
				rule       string
				then, now  bool
				due        string // UTC, when checked
				audience   string
				soft       bool
				jurisdicti string
			}{
				{"ph-dpa-npc-notice", true, true, "2020-06-13T15:00:00Z", "regulator", false, "PH"},
				{"ph-dpa-npc-full-report", true, true, "2020-06-15T15:59:59Z", "regulator", false, "PH"},
				{"us-tx-ag-2020", true, false, "2020-08-10T04:59:59Z", "attorney_general", false, "US-TX"},
				{"us-tx-ag", false, true, "2020-07-11T04:59:59Z", "attorney_general", false, "US-TX"},
				{"us-tx-individuals", true, true, "2020-08-10T04:59:59Z", "individuals", false, "US-TX"},
				{"us-ca-residents-pre2026", true, false, "2020-07-11T06:59:59Z", "individuals", true, "US-CA"},
				{"us-ca-residents", false, true, "", "individuals", false, "US-CA"},
				{"jp-appi-ppc-preliminary", false, true, "2020-06-16T14:59:59Z", "regulator", true, "JP"},
				{"jp-appi-ppc-final-malicious", false, true, "", "regulator", false, "JP"},
				{"th-pdpa-office", false, true, "", "regulator", false, "TH"},
				{"id-pdp-authority", false, true, "", "regulator", false, "ID"},
				{"us-ca-ag", false, false, "", "", false, ""}, // 3 Californians: not > 500
			} {
				_, inThen := then[tt.rule]
				o, inNow := now[tt.rule]
				if inThen != tt.then || inNow != tt.now {
					t.Errorf("%s: listed under 2020 rules %v (want %v), today's %v (want %v)", tt.rule, inThen, tt.then, inNow, tt.now)
					continue
				}
				if !inNow {
					o = then[tt.rule]
				}
				if !tt.then && !tt.now {
					continue
				}
				if tt.due != "" && (o.DueAt == nil || o.DueAt.Format(time.RFC3339) != tt.due) {
					t.Errorf("%s: due %v, want %s", tt.rule, o.DueAt, tt.due)
				}
				if o.Audience != tt.audience || o.Soft != tt.soft || o.Jurisdiction != tt.jurisdicti || o.Law == "" || o.Basis == "" {
					t.Errorf("%s: %+v", tt.rule, o)
				}
			}
			for _, set := range []map[string]obligationItem{then, now} {
				for rule, o := range set {
					if o.DueAt != nil && (o.Status != deadline.StatusOverdue || o.DueAt.Location() != time.UTC || o.DueLocal == "") {
						t.Errorf("%s: status %s, due %v (%q); every dated duty of 2020 is overdue now", rule, o.Status, o.DueAt, o.DueLocal)
					}
				}
			}
			if tx := then["us-tx-individuals"]; tx.Notified == nil || tx.Notified.EmailCustomers != 250 || tx.Notified.Notified != 0 {
				t.Errorf("texans before any notice: %+v", tx.Notified)
			}

			// A regulator report to the Philippine NPC meets the first
			// stage, on time; the full report is a second stage.
			reg, regDisc := testenv.Send(t, e.db, id, "regulator_report", "")
			sentPH := time.Date(2020, 6, 12, 3, 0, 0, 0, time.UTC)
			testenv.Deliveries(t, e.db, testenv.Delivery{SendID: reg, DisclosureID: regDisc, IncidentID: id,
				RecipientKey: "regulator:PH", Status: "sent", SentAt: sentPH})
			then, _ = e.obligations(id, "")
			ph := then["ph-dpa-npc-notice"]
			if ph.Status != deadline.StatusMet || ph.MetBy == nil || ph.MetBy.SendID != reg || ph.MetBy.DisclosureID != regDisc || !ph.MetBy.At.Equal(sentPH) {
				t.Errorf("PH notice after the report: %s %+v", ph.Status, ph.MetBy)
			}
			if ph.MetAt == nil || !ph.MetAt.Equal(sentPH) || ph.Late == nil || *ph.Late || ph.LateBy != nil {
				t.Errorf("PH notice met on time: met_at %v, late %v, late_by %v", ph.MetAt, ph.Late, ph.LateBy)
			}
			if full := then["ph-dpa-npc-full-report"]; full.Status != deadline.StatusOverdue || full.MetBy != nil ||
				full.MetAt != nil || full.Late == nil || *full.Late || full.LateBy != nil {
				t.Errorf("PH full report met by the first report: %+v", full)
			}
			if before, _ := e.obligations(id, "?at=2020-06-12T00:00:00Z"); before["ph-dpa-npc-notice"].Status != deadline.StatusOpen {
				t.Errorf("PH notice on 2020-06-12, before the report: %s", before["ph-dpa-npc-notice"].Status)
			}

			// A notice that reached 249 of the 250 Texans with email leaves
			// the duty overdue; the last one completes it.
			n1, disc := testenv.Send(t, e.db, id, "customer_notice", "")
			testenv.Deliveries(t, e.db, testenv.NoticeTo(n1, disc, id, time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC), texans[:249]...)...)
			then, _ = e.obligations(id, "")
			if tx := then["us-tx-individuals"]; tx.Status != deadline.StatusOverdue || tx.MetBy != nil || tx.Notified.Notified != 249 {
				t.Errorf("249 of 250 Texans: %s %+v %+v", tx.Status, tx.MetBy, tx.Notified)
			}
			n2, _ := testenv.Send(t, e.db, id, "customer_notice", disc) // a second send of the same notice
			last := time.Date(2020, 7, 2, 0, 0, 0, 0, time.UTC)
			testenv.Deliveries(t, e.db, testenv.NoticeTo(n2, disc, id, last, texans[249])...)
			then, _ = e.obligations(id, "")
			tx := then["us-tx-individuals"]
			if tx.Status != deadline.StatusOverdue || tx.MetBy != nil || tx.Notified.Notified != 250 {
				t.Errorf("every Texan with e-mail reached, the postal one not: %s %+v %+v", tx.Status, tx.MetBy, tx.Notified)
			}
			// The postal Texan's letter, mailed on 3 July (the incident's
			// zone is UTC), completes the duty: met_by names both sends and
			// the batch, and no send completed it.
			batch := store.NewID()
			stamp := time.Now().UTC()
			paper := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil).ID
			for _, q := range []string{`INSERT INTO letter_batches (id, disclosure_id, incident_id, revision, state, total, created_at, updated_at, mailed_on)
				VALUES (?, ?, ?, 1, 'mailed', 1, ?, ?, '2020-07-03')`, `INSERT INTO letters (id, batch_id, disclosure_id, incident_id, customer_id, reference, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, 'generated', ?)`} {
				args := []any{batch, paper, id, stamp, stamp}
				if strings.Contains(q, "INTO letters") {
					args = []any{store.NewID(), batch, paper, id, postal[0], candor.NewReference(), stamp}
				}
				if err := e.db.Gorm().Exec(q, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			then, _ = e.obligations(id, "")
			tx = then["us-tx-individuals"]
			mailed := time.Date(2020, 7, 3, 0, 0, 0, 0, time.UTC)
			if tx.Status != deadline.StatusMet || tx.MetBy == nil || tx.MetBy.SendID != "" || !tx.MetBy.At.Equal(mailed) ||
				len(tx.MetBy.Sends) != 2 || len(tx.MetBy.LetterBatches) != 1 || tx.MetBy.LetterBatches[0].BatchID != batch ||
				tx.MetAt == nil || !tx.MetAt.Equal(mailed) {
				t.Errorf("every Texan reached: %s %+v %+v", tx.Status, tx.MetBy, tx.Notified)
			}
			if ca := then["us-ca-residents-pre2026"]; ca.Status != deadline.StatusOverdue {
				t.Errorf("Californians were never sent a notice: %s", ca.Status)
			}

			// The full report, due 2020-06-15, sent six years late: met, and
			// late in the list and in the calendar.
			full, fullDisc := testenv.Send(t, e.db, id, "regulator_report", "")
			sentFull := time.Date(2026, 11, 16, 19, 0, 0, 0, time.UTC)
			testenv.Deliveries(t, e.db, testenv.Delivery{SendID: full, DisclosureID: fullDisc, IncidentID: id,
				RecipientKey: "regulator:PH", Status: "sent", SentAt: sentFull})
			atLate := "?at=2026-12-01T00:00:00Z"
			then, _ = e.obligations(id, atLate)
			if f := then["ph-dpa-npc-full-report"]; f.Status != deadline.StatusMet || f.MetAt == nil || !f.MetAt.Equal(sentFull) ||
				f.Late == nil || !*f.Late || f.LateBy == nil || *f.LateBy != "P6Y5M1DT3H1S" {
				t.Errorf("PH full report six years late: %s met_at %v late %v late_by %v", f.Status, f.MetAt, f.Late, f.LateBy)
			}
			lateICS := e.do("GET", "/api/v1/incidents/"+id+"/obligations.ics"+atLate, candor.RoleViewer, nil)
			lateCal, err := ics.ParseCalendar(bytes.NewReader(lateICS.Raw))
			if err != nil {
				t.Fatalf("parse ics: %v", err)
			}
			lateEvents := 0
			for _, ev := range lateCal.Events() {
				if s := ics.FromText(ev.GetProperty(ics.ComponentPropertySummary).Value); strings.HasPrefix(s, "MET LATE (+6y 5mo): ") {
					lateEvents++
					if !strings.Contains(s, "PH") || len(ev.Alarms()) != 0 {
						t.Errorf("met late event %q with %d alarms", s, len(ev.Alarms()))
					}
				}
			}
			if lateEvents != 1 {
				t.Errorf("%d events say MET LATE (+6y 5mo), want the PH full report's:\n%s", lateEvents, lateICS.Raw)
			}

			// The calendar feed parses, one event per dated duty not met
			// or met late.
			r := e.do("GET", "/api/v1/incidents/"+id+"/obligations.ics", candor.RoleViewer, nil)
			if r.Status != 200 || !strings.HasPrefix(r.ContentType, "text/calendar") {
				t.Fatalf("ics: %d %s %s", r.Status, r.ContentType, r.Raw)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(r.Raw))
			if err != nil {
				t.Fatalf("parse ics: %v", err)
			}
			want := 0
			for _, o := range then {
				if o.DueAt != nil && (o.Status != deadline.StatusMet || *o.Late) {
					want++
				}
			}
			if got := len(cal.Events()); got != want || want == 0 {
				t.Errorf("%d events, want %d", got, want)
			}
			if again := e.do("GET", "/api/v1/incidents/"+id+"/obligations.ics", candor.RoleViewer, nil); !bytes.Equal(again.Raw, r.Raw) {
				t.Error("the feed of an unchanged incident changed between two requests")
			}
		})
	}
}

// Texas's attorney general must be told of a breach of at least 250 Texans.
func TestTexasThresholdThroughTheAPI(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			tests := []struct {
				name    string
				texans  int
				erased  int
				query   string
				rule    string
				present bool
			}{
				{"249 Texans, 2020 rules", 249, 0, "", "us-tx-ag-2020", false},
				{"250 Texans, 2020 rules", 250, 0, "", "us-tx-ag-2020", true},
				{"249 Texans, today's rules", 249, 0, "?as_of=today", "us-tx-ag", false},
				{"250 Texans, today's rules", 250, 0, "?as_of=today", "us-tx-ag", true},
				{"250 Texans of whom 10 erased still count", 250, 10, "?as_of=today", "us-tx-ag", true},
				{"250 Texans on a date before the 2023 law", 250, 0, "?as_of=2023-08-31", "us-tx-ag", false},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					id := e.createIncident(kawasakiIncident)
					ids := testenv.Customers(t, e.db, id, "US", "US-TX", "email", tt.texans)
					for _, c := range ids[:tt.erased] {
						testenv.EraseCustomer(t, e.db, c)
					}
					got, _ := e.obligations(id, tt.query)
					if _, ok := got[tt.rule]; ok != tt.present {
						t.Errorf("%s listed: %v, want %v", tt.rule, ok, tt.present)
					}
					if tx := got["us-tx-individuals"]; tx.RuleID == "" {
						t.Error("the duty to Texans applies at any count")
					}
				})
			}
		})
	}
}

func TestJurisdictionCatalogue(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t))
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/api/v1/jurisdictions", candor.RoleViewer, nil)
	if r.Status != 200 || r.Body["disclaimer"] != jurisdictions.Disclaimer {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	items := r.Body["items"].([]any)
	if len(items) != len(rules) {
		t.Fatalf("%d items, want every one of %d rules", len(items), len(rules))
	}
	byID := map[string]map[string]any{}
	for _, it := range items {
		m := it.(map[string]any)
		byID[m["id"].(string)] = m
		for _, f := range []string{"code", "name", "law", "notify", "deadline", "clock_starts", "source", "deadline_text", "in_force"} {
			if v, ok := m[f]; !ok || v == "" {
				t.Errorf("%s: no %s", m["id"], f)
			}
		}
	}
	for _, rule := range rules {
		if byID[rule.ID] == nil {
			t.Errorf("%s missing", rule.ID)
		}
	}
	if tx := byID["us-tx-ag-2020"]; tx["in_force"] != false || tx["deadline_text"] != "60 calendar days" {
		t.Errorf("retired Texas rule: %v", tx)
	}
	if gdpr := byID["eu-gdpr-33-authority"]; gdpr["in_force"] != true || gdpr["notify"] != "regulator" {
		t.Errorf("GDPR: %v", gdpr)
	}
}

func TestObligationErrorsAndRoles(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t))
	id := e.createIncident(kawasakiIncident)
	unknown := "01a2000a-0000-7000-8000-000000000000"
	tests := []struct {
		name  string
		path  string
		role  candor.Role
		want  int
		field string
	}{
		{"viewer reads obligations", "/api/v1/incidents/" + id + "/obligations", candor.RoleViewer, 200, ""},
		{"viewer reads the feed", "/api/v1/incidents/" + id + "/obligations.ics", candor.RoleViewer, 200, ""},
		{"viewer reads the catalogue", "/api/v1/jurisdictions", candor.RoleViewer, 200, ""},
		{"a date as_of", "/api/v1/incidents/" + id + "/obligations?as_of=2024-01-31", candor.RoleViewer, 200, ""},
		{"no token: obligations", "/api/v1/incidents/" + id + "/obligations", "", 401, ""},
		{"no token: feed", "/api/v1/incidents/" + id + "/obligations.ics", "", 401, ""},
		{"no token: catalogue", "/api/v1/jurisdictions", "", 401, ""},
		{"bad as_of", "/api/v1/incidents/" + id + "/obligations?as_of=yesterday", candor.RoleViewer, 422, "as_of"},
		{"bad as_of on the feed", "/api/v1/incidents/" + id + "/obligations.ics?as_of=2020-02-30", candor.RoleViewer, 422, "as_of"},
		{"bad at", "/api/v1/incidents/" + id + "/obligations?at=2020-12-28", candor.RoleViewer, 422, "at"},
		{"unknown incident", "/api/v1/incidents/" + unknown + "/obligations", candor.RoleViewer, 404, ""},
		{"unknown incident, feed", "/api/v1/incidents/" + unknown + "/obligations.ics", candor.RoleViewer, 404, ""},
		{"malformed id", "/api/v1/incidents/nope/obligations", candor.RoleViewer, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("GET", tt.path, tt.role, nil)
			if r.Status != tt.want {
				t.Fatalf("%d %s, want %d", r.Status, r.Raw, tt.want)
			}
			if tt.want >= 400 && r.ContentType != "application/problem+json" {
				t.Errorf("content type %q", r.ContentType)
			}
			if tt.field != "" {
				errs, _ := r.Body["errors"].([]any)
				if len(errs) == 0 || errs[0].(map[string]any)["field"] != tt.field {
					t.Errorf("errors %v, want field %s", r.Body["errors"], tt.field)
				}
			}
		})
	}
}
