package jobs_test

import (
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestSendPicksTheJurisdictionsVariant: through the real worker and SMTP
// server, a California customer gets the en@US-CA variant and a Texan the
// plain en one, in the same send.
func TestSendPicksTheJurisdictionsVariant(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			p := newPipe(t, d, pipeOpts{csv: "external_id,name,email,country,region,locale\n" +
				"c1,Carla Cruz,carla@example.com,US,US-CA,en-US\nt1,Tex Ritter,tex@example.com,US,US-TX,en-US\n"})
			comms, legal := testenv.Actor(candor.RoleComms), testenv.Actor(candor.RoleLegal)
			dis, err := p.db.CreateDisclosure(comms, p.in.ID, candor.KindCustomerNotice, candor.DisclosureContent{
				Title: "Notice", DefaultLocale: "en", Variants: map[string]candor.Variant{
					"en":       {Subject: "Plain notice", Body: "<p>Hello {{.Customer.Name}}</p>"},
					"en@US-CA": {Subject: "Notice of Data Breach", Body: "<h1>Notice of Data Breach</h1><p>Hello {{.Customer.Name}}</p>"},
				}}, false)
			if err != nil {
				t.Fatal(err)
			}
			if dis, err = p.db.SubmitDisclosure(comms, dis.ID, dis.Revision); err != nil {
				t.Fatal(err)
			}
			if dis, err = p.db.ApproveDisclosure(legal, dis.ID, dis.Revision); err != nil {
				t.Fatal(err)
			}
			p.wait(p.send(dis).ID, 30*time.Second, "completed", completed)
			subjects := map[string]string{}
			for _, m := range p.smtp.Messages() {
				msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
				if err != nil {
					t.Fatal(err)
				}
				subjects[m.To[0]] = msg.Header.Get("Subject")
				if got := msg.Header.Get("Content-Language"); got != "en" {
					t.Errorf("%s: Content-Language %q", m.To[0], got)
				}
			}
			if subjects["carla@example.com"] != "Notice of Data Breach" || subjects["tex@example.com"] != "Plain notice" {
				t.Fatalf("subjects %v", subjects)
			}
		})
	}
}
