package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// An obligation's page in the console: comms proposes (bad input comes
// back beside its field with the typed values kept; a late duty asks for
// the reasons of the delay), the proposer cannot approve and is told why,
// another legal person approves; in English and Japanese.
func TestObligationDecisions(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			id := e.incident.ID
			// A scope event: the Philippines from 24 June (Tokyo).
			if _, err := e.db.CreateEvent(testenv.Actor(candor.RoleComms), id, candor.Event{OccurredOn: "2020-06-24", Public: false,
				Description: "Access from the Philippine office confirmed", Scope: &candor.EventScope{Jurisdictions: []string{"PH"}}}); err != nil {
				t.Fatal(err)
			}
			path := "/console/incidents/" + id + "/obligations/ph-dpa-npc-notice"
			comms, _ := e.as(t, "Chika Comms", candor.RoleComms, "en")
			legal, _ := e.as(t, "Lena Legal", candor.RoleLegal, "en")
			jaLegal, _ := e.as(t, "Jun Houmu", candor.RoleLegal, "ja")
			viewer, _ := e.as(t, "Vic Viewer", candor.RoleViewer, "en")

			page(t, comms, "/console/incidents/"+id+"/deadlines", "Runs from", "24 June 2020 00:00 JST",
				"PH entered the scope at 24 June 2020 00:00 JST (timeline event)", `href="/console/incidents/`+id+`/obligations/ph-dpa-npc-notice"`)
			page(t, comms, path, "NPC breach notification", "Runs from", "24 June 2020 00:00 JST", "27 June 2020 00:00 JST",
				"No decision recorded yet.", "Reasons for the delay", `name="delay_reasons"`)

			// Bad input: 422, the message beside the field, values kept, nothing stored.
			res, body := comms.form(path, path+"/decisions", url.Values{"decision": {"notify"}, "rationale": {"Staff data of the Manila office"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="delay_reasons-err"`) ||
				!strings.Contains(body, "Staff data of the Manila office") {
				t.Fatalf("missing delay reasons: %d\n%s", res.StatusCode, body)
			}
			res, body = comms.form(path, path+"/decisions", url.Values{"decision": {"ignore"}, "rationale": {""}, "delay_reasons": {"x"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="decision-err"`) || !strings.Contains(body, `id="rationale-err"`) {
				t.Fatalf("bad decision: %d\n%s", res.StatusCode, body)
			}
			if ds, _ := e.db.ListDecisions(testenv.Actor(candor.RoleLegal), id, "ph-dpa-npc-notice"); len(ds) != 0 {
				t.Fatalf("refused proposals stored: %v", ds)
			}
			if res, _ := viewer.form(path, path+"/decisions", url.Values{"decision": {"notify"}, "rationale": {"r"}, "delay_reasons": {"d"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("viewer proposes: %d", res.StatusCode)
			}
			if res, _ := comms.get("/console/incidents/" + id + "/obligations/xx-none"); res.StatusCode != http.StatusNotFound {
				t.Errorf("unknown obligation: %d", res.StatusCode)
			}

			// Legal proposes; they see why they cannot approve their own.
			res, _ = legal.form(path, path+"/decisions", url.Values{"decision": {"notify"}, "rationale": {"Staff data of the Manila office"},
				"delay_reasons": {"The Philippine office was found only on 24 June."}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("propose: %d", res.StatusCode)
			}
			ds, err := e.db.ListDecisions(testenv.Actor(candor.RoleLegal), id, "ph-dpa-npc-notice")
			if err != nil || len(ds) != 1 {
				t.Fatalf("decisions %v %v", ds, err)
			}
			approve := "/console/decisions/" + ds[0].ID + "/approve"
			body = page(t, legal, path, "proposed", "You proposed this decision: another legal person must approve it")
			if strings.Contains(body, `action="`+approve+`"`) {
				t.Error("the proposer is offered the approve button")
			}
			res, body = legal.form(path, approve, url.Values{})
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "You proposed this decision") {
				t.Errorf("proposer approves: %d\n%s", res.StatusCode, body)
			}
			page(t, comms, path, "Only a legal person other than the proposer can approve it.")

			// Another legal person, in Japanese, approves.
			page(t, jaLegal, path, "起算時点", "2020年6月24日 00:00 JST", "PH が対象範囲に加わった時点（経緯の記録）", "提案中", "遅延の理由", `action="`+approve+`"`)
			if res, _ := jaLegal.form(path, approve, url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d", res.StatusCode)
			}
			page(t, jaLegal, path, "承認済み", "Lena Legal", "Jun Houmu", "通知する")
			if a := lastAudit(t, e.db, id); a.Action != "decision.approve" || a.ActorName != "Jun Houmu" {
				t.Errorf("last audit %s by %s", a.Action, a.ActorName)
			}
			page(t, comms, "/console/incidents/"+id+"/deadlines", `<span class="tag">notify</span>`)

			// not_required, approved: the board shows the duty decided, not overdue.
			if res, _ := comms.form(path, path+"/decisions", url.Values{"decision": {"not_required"}, "rationale": {"No sensitive data"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("propose not_required: %d", res.StatusCode)
			}
			ds, _ = e.db.ListDecisions(testenv.Actor(candor.RoleLegal), id, "ph-dpa-npc-notice")
			if res, _ := legal.form(path, "/console/decisions/"+ds[0].ID+"/approve", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve not_required: %d", res.StatusCode)
			}
			page(t, legal, path, "DECIDED", "not required", "superseded")
			page(t, jaLegal, "/console/incidents/"+id+"/deadlines", "判断済み", `<span class="tag">不要</span>`)
		})
	}
}
