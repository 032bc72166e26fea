package jobs_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
)

// pgDump is PostgreSQL 15's pg_dump, the server's own version.
const pgDump = "/usr/lib/postgresql/15/bin/pg_dump"

// A relay that echoes each recipient — in a refusal at RCPT, in a
// greylisting before it accepts, in its 250 after DATA, or by local part
// alone — leaves no address in the database: the SQLite file and its WAL,
// byte for byte, and a pg_dump of the PostgreSQL database hold none of the
// test addresses (nor their distinctive local parts), before and after the
// refused customer is erased. The replies keep the rest of what the relay
// said.
func TestSendStoresNoAddressInClear(t *testing.T) {
	type recipient struct {
		email  string
		reply  func(a smtptest.Attempt) error // nil: the relay's plain 250
		status string
		want   string // the stored response or last_error
	}
	recipients := []recipient{
		{"rita.moreno@example.com", func(a smtptest.Attempt) error {
			if a.Stage == smtptest.StageRcpt {
				return smtptest.Reply(550, "5.1.1", "<"+a.Rcpt+">: Recipient address rejected")
			}
			return nil
		}, candor.DeliveryFailed, "rcpt: 550 5.1.1 <redacted>: Recipient address rejected"},
		{"bob.jones.x@example.org", func(a smtptest.Attempt) error {
			if a.Stage == smtptest.StageData {
				return smtptest.Reply(250, "2.0.0", "Ok: queued for <"+a.Rcpt+"> as 4F3A2")
			}
			return nil
		}, candor.DeliverySent, "250 2.0.0 Ok: queued for <redacted> as 4F3A2"},
		{"chai.sukhum@example.net", func(a smtptest.Attempt) error {
			switch {
			case a.Stage == smtptest.StageRcpt && a.N == 1:
				return smtptest.Reply(451, "4.2.0", strings.ToUpper(a.Rcpt)+" greylisted, come back later")
			case a.Stage == smtptest.StageData:
				return smtptest.Reply(250, "2.0.0", "delivered to "+a.Rcpt)
			}
			return nil
		}, candor.DeliverySent, "250 2.0.0 delivered to <redacted>"},
		{"dana.kowalski@example.com", func(a smtptest.Attempt) error {
			if a.Stage == smtptest.StageData {
				return smtptest.Reply(554, "5.7.1", "message for dana.kowalski refused")
			}
			return nil
		}, candor.DeliveryFailed, "data-end: 554 5.7.1 message for <redacted> refused"},
		{"erin.lindqvist@example.com", nil, candor.DeliverySent, ""},
	}
	decide := func(a smtptest.Attempt) error {
		for _, r := range recipients {
			if strings.EqualFold(a.Rcpt, r.email) && r.reply != nil {
				return r.reply(a)
			}
		}
		return nil
	}
	var csv strings.Builder
	csv.WriteString("external_id,name,email,country,locale\n")
	for i, r := range recipients {
		csv.WriteString(strings.Join([]string{"c" + string(rune('0'+i)), "Customer " + string(rune('A'+i)), r.email, "US", "en"}, ",") + "\n")
	}
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			if d.Name == "postgres" {
				if _, err := os.Stat(pgDump); err != nil {
					t.Fatalf("%s: %v", pgDump, err)
				}
			}
			p := newPipe(t, d, pipeOpts{csv: csv.String(), smtp: []smtptest.Option{smtptest.WithDecider(decide)}})
			s := p.wait(p.send(p.notice()).ID, 60*time.Second, "completed", completed)
			if s.Sent != 3 || s.Failed != 2 {
				t.Fatalf("counts %+v, want 3 sent and 2 failed", s.SendCounts)
			}
			ctx := testenv.Actor(candor.RoleLegal)
			page, err := p.db.ListDeliveries(ctx, s.ID, "", "", 100)
			if err != nil {
				t.Fatal(err)
			}
			var refused string
			for _, dl := range page.Items {
				for _, r := range recipients {
					if dl.Email != r.email {
						continue
					}
					stored := dl.Response
					if dl.Status != candor.DeliverySent {
						stored = dl.LastError
					}
					if dl.Status != r.status || (r.want != "" && stored != r.want) || (r.want == "" && !strings.HasPrefix(stored, "250 ")) {
						t.Errorf("%s: %s %q, want %s %q", r.email, dl.Status, stored, r.status, r.want)
					}
					if r.email == recipients[0].email {
						refused = *dl.CustomerID
					}
				}
			}
			checkNoAddress(t, d, recipients[0].email, recipients[1].email, recipients[2].email, recipients[3].email, recipients[4].email)
			if _, err := p.db.EraseCustomer(ctx, refused); err != nil {
				t.Fatal(err)
			}
			page, _ = p.db.ListDeliveries(ctx, s.ID, candor.DeliveryFailed, "", 100)
			for _, dl := range page.Items {
				if *dl.CustomerID == refused && (dl.LastError != "" || dl.Response != "" || dl.Email != "") {
					t.Fatalf("the erased customer's delivery: %+v", dl)
				}
			}
			checkNoAddress(t, d, recipients[0].email)
		})
	}
}

// checkNoAddress fails if the database's bytes hold any of the addresses,
// or any of their local parts, in any case: the SQLite file with its WAL
// and shared memory as they are on disk, or PostgreSQL's pg_dump.
func checkNoAddress(t *testing.T, d testenv.DB, emails ...string) {
	t.Helper()
	var dump []byte
	if d.Name == "postgres" {
		out, err := exec.Command(pgDump, "--no-owner", "--dbname="+d.URL).Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		dump = out
	} else {
		path := strings.TrimPrefix(d.URL, "sqlite:")
		files, _ := filepath.Glob(path + "*") // the .db, -wal and -shm
		if len(files) < 2 {
			t.Fatalf("SQLite files: %v", files)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			dump = append(dump, b...)
		}
	}
	if len(dump) < 10000 {
		t.Fatalf("the dump is %d bytes: not the database", len(dump))
	}
	lower := bytes.ToLower(dump)
	for _, e := range emails {
		local, _, _ := strings.Cut(e, "@")
		for _, s := range []string{e, local} {
			if i := bytes.Index(lower, []byte(strings.ToLower(s))); i >= 0 {
				t.Errorf("%s in clear in the %s database: …%q…", s, d.Name, dump[max(0, i-80):min(len(dump), i+len(s)+40)])
			}
		}
	}
}
