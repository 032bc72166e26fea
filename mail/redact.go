package mail

import (
	"strings"

	"github.com/candor-dev/candor/internal/redact"
)

// redactReply takes the recipient's address out of a relay's reply before
// it is stored (Result.Response, Error.Reason): every address, and the
// recipient's local part on its own, which some relays echo without the
// domain ("550 5.1.1 User rita unknown"). The rest of the reply is kept:
// it is the evidence of what the relay said.
func redactReply(reply, recipient string) string {
	reply = redact.Addresses(reply)
	if at := strings.LastIndexByte(recipient, '@'); at > 0 {
		reply = redact.Words(reply, strings.Trim(recipient[:at], `"`))
	}
	return reply
}
