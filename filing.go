package candor

import (
	"bytes"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Filing records that a report was filed with an authority outside Candor
// (on its portal, by e-mail, post or fax): when, how, the authority's case
// reference, the receipt it gave, and which version of the filing pack was
// filed. A filing meets the obligation it was made for (deadline.MetBy.Filing).
type Filing struct {
	ID           string    `json:"id"`
	IncidentID   string    `json:"incident_id"`
	ObligationID string    `json:"obligation_id"`
	Jurisdiction string    `json:"jurisdiction"`
	FiledAt      time.Time `json:"filed_at"`
	Channel      string    `json:"channel"`
	Reference    string    `json:"reference,omitempty"`
	PackID       string    `json:"pack_id,omitempty"`
	PackVersion  string    `json:"pack_version,omitempty"`
	// FollowsID is the first filing for the same obligation when this one
	// is a follow-up (phased reporting, GDPR Art. 33(4)).
	FollowsID  string    `json:"follows_id,omitempty"`
	Receipt    Receipt   `json:"receipt"`
	RecordedBy string    `json:"recorded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Receipt describes the confirmation an authority gave for a filing. The
// bytes are kept by the store; the hash lets anyone check a copy.
type Receipt struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Filing channels.
var FilingChannels = []string{"portal", "email", "post", "fax"}

// MaxReceiptBytes bounds an uploaded receipt: a portal's confirmation page
// saved as PDF, a screenshot, or the acknowledgement e-mail.
const MaxReceiptBytes = 10 << 20

// Limits on a filing's text fields.
const (
	maxFilingReference = 200
	maxReceiptName     = 200
)

// ReceiptType returns the media type of a receipt judged by its content,
// not by its name or the type the browser claimed: PDF, PNG, JPEG, or an
// e-mail (RFC 5322 headers) or plain text, all UTF-8. Anything else is
// refused (EINVALID naming "receipt"), as is an empty file.
func ReceiptType(b []byte) (string, error) {
	if len(b) == 0 {
		return "", Invalid(FieldError{Field: "receipt", Message: "is empty"})
	}
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf", nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg", nil
	}
	if !utf8.Valid(b) || bytes.ContainsFunc(b, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7f }) {
		return "", Invalid(FieldError{Field: "receipt", Message: "must be a PDF, PNG, JPEG, e-mail (.eml) or text file"})
	}
	if looksLikeEmail(b) {
		return "message/rfc822", nil
	}
	if ct := http.DetectContentType(b); strings.HasPrefix(ct, "text/html") {
		// A saved web page could run script wherever it is opened again.
		return "", Invalid(FieldError{Field: "receipt", Message: "must be a PDF, PNG, JPEG, e-mail (.eml) or text file, not HTML (print the page to PDF)"})
	}
	return "text/plain; charset=utf-8", nil
}

// looksLikeEmail reports whether the text starts with mail headers
// including From: or Received: and a Date: or Subject:.
func looksLikeEmail(b []byte) bool {
	head, _, _ := bytes.Cut(b, []byte("\n\n"))
	if bytes.Contains(head, []byte("\r\n\r\n")) {
		head, _, _ = bytes.Cut(b, []byte("\r\n\r\n"))
	}
	var from, other bool
	for _, line := range strings.Split(string(head), "\n") {
		name, _, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "from", "received", "return-path":
			from = true
		case "date", "subject", "message-id", "to":
			other = true
		}
	}
	return from && other
}

// Validate checks a filing before it is stored, and trims its text.
func (f *Filing) Validate(now time.Time) error {
	var v Validation
	f.Channel = strings.ToLower(strings.TrimSpace(f.Channel))
	f.Reference = v.Text("reference", f.Reference, true)
	f.Receipt.Name = v.Text("receipt", f.Receipt.Name, true)
	switch {
	case f.FiledAt.IsZero():
		v.Add("filed_at", "is required (RFC 3339, e.g. 2020-06-14T10:00:00+09:00)")
	case !InDateRange(f.FiledAt):
		v.Add("filed_at", "must lie between 1970-01-01 and 2200-12-31")
	case f.FiledAt.After(now.Add(5 * time.Minute)):
		v.Add("filed_at", "is in the future")
	}
	if !containsString(FilingChannels, f.Channel) {
		v.Add("channel", "must be one of portal, email, post, fax")
	}
	if utf8.RuneCountInString(f.Reference) > maxFilingReference {
		v.Add("reference", "is longer than %d characters", maxFilingReference)
	}
	if utf8.RuneCountInString(f.Receipt.Name) > maxReceiptName {
		v.Add("receipt", "file name is longer than %d characters", maxReceiptName)
	}
	return v.Err()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
