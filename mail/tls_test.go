package mail_test

import (
	"fmt"
	"testing"

	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

func TestTLS(t *testing.T) {
	for _, implicit := range []bool{false, true} {
		t.Run(fmt.Sprint("implicit=", implicit), func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.WithTLS(implicit), smtptest.WithAuth("candor", "pw"))
			cfg, err := cmail.ParseURL(srv.URL() + "&pool=2")
			if err != nil {
				t.Fatal(err)
			}
			// Without the server's CA the certificate is refused: retry
			// later (configuration), never "permanent" for the recipient.
			s, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Send(ctx(t), notice("tls-0", "a@example.org")); cmail.Classify(err) != cmail.Temporary {
				t.Fatalf("untrusted certificate: %v", err)
			}
			cfg.RootCAs = srv.CertPool()
			s, err = cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, err := range sendAll(t, s, 20, 4, "tls") {
				if err != nil {
					t.Fatal(err)
				}
			}
			if srv.Count() != 20 || srv.Connections() > 3 {
				t.Errorf("%d messages over %d connections", srv.Count(), srv.Connections())
			}
		})
	}
}
