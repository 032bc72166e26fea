package mail_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

// TestRepliesCarryNoAddress: a relay that echoes the recipient, in a
// refusal or in its 250, has the address taken out of what Send returns
// for the delivery row; the rest of the reply stays.
func TestRepliesCarryNoAddress(t *testing.T) {
	const to = "Rita.Smith@example.org"
	echo := func(stage smtptest.Stage, code int, enhanced, text string) smtptest.Decider {
		return func(a smtptest.Attempt) error {
			if a.Stage == stage {
				return smtptest.Reply(code, enhanced, strings.ReplaceAll(text, "RCPT", a.Rcpt))
			}
			return nil
		}
	}
	rcpt, data := smtptest.StageRcpt, smtptest.StageData
	tests := []struct {
		name    string
		decider smtptest.Decider
		want    string // Reason, or Response when the message is accepted
	}{
		{"550 at rcpt", echo(rcpt, 550, "5.1.1", "<RCPT>: Recipient address rejected"),
			"rcpt: 550 5.1.1 <redacted>: Recipient address rejected"},
		{"451 at rcpt, upper case", echo(rcpt, 451, "4.2.0", "<RITA.SMITH@EXAMPLE.ORG> greylisted"),
			"rcpt: 451 4.2.0 <redacted> greylisted"},
		{"local part alone", echo(rcpt, 550, "5.1.1", "User rita.smith unknown"),
			"rcpt: 550 5.1.1 User <redacted> unknown"},
		{"554 after data", echo(data, 554, "5.7.1", "message for RCPT refused"),
			"data-end: 554 5.7.1 message for <redacted> refused"},
		{"250 queued for", echo(data, 250, "2.0.0", "Ok: queued for <RCPT> as 4F3A2"),
			"250 2.0.0 Ok: queued for <redacted> as 4F3A2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.WithDecider(tt.decider))
			s := newSender(t, srv, "&pool=1")
			res, err := s.Send(ctx(t), notice("c-1", to))
			got := res.Response
			if err != nil {
				got = cmail.Explain(err).Reason
				if err.Error() != got {
					t.Errorf("Error() %q, Reason %q", err.Error(), got)
				}
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
