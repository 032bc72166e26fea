package candor

import (
	"fmt"
	"slices"
	"strings"
)

// MaxLegalContacts bounds an incident's legal contacts. Each one receives
// the incident's deadline reminders, so the list is who Candor mails about
// the incident: a team's worth, not a mailing list.
const MaxLegalContacts = 20

// ContactDomains are the mail domains an incident's owner and legal
// contacts may be in (CANDOR_CONTACT_DOMAINS); empty allows any. A domain
// also allows its subdomains: "example.com" takes legal@example.com and
// dpo@eu.example.com, not x@example.com.evil.test or x@notexample.com.
type ContactDomains []string

// ParseContactDomains reads a comma-separated list of domains
// ("example.com, example.co.jp"); blanks are skipped, so "" is no
// restriction.
func ParseContactDomains(s string) (ContactDomains, error) {
	var out ContactDomains
	for _, d := range strings.Split(s, ",") {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" {
			continue
		}
		if !validDomain(d) {
			return nil, fmt.Errorf("%q is not a domain name (e.g. example.com)", d)
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// validDomain accepts a DNS name of at least two labels of letters, digits
// and hyphens: no "@", no wildcard, no spaces.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(d) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Allows reports whether addr's domain is one of d or below one; an empty
// list allows every address.
func (d ContactDomains) Allows(addr string) bool {
	if len(d) == 0 {
		return true
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(addr[at+1:]), ".")
	for _, dom := range d {
		if host == dom || strings.HasSuffix(host, "."+dom) {
			return true
		}
	}
	return false
}

// Check returns EINVALID naming each of in's contacts outside d.
func (d ContactDomains) Check(in Incident) error {
	if len(d) == 0 {
		return nil
	}
	var v Validation
	allowed := strings.Join(d, ", ")
	if in.OwnerEmail != "" && !d.Allows(in.OwnerEmail) {
		v.Add("owner_email", "%q is outside the domains contacts may be in (%s)", in.OwnerEmail, allowed)
	}
	for _, c := range in.LegalContacts {
		if len(in.LegalContacts) > MaxLegalContacts {
			break // Validate refuses the list with one error, not one per address
		}
		if !d.Allows(c) {
			v.Add("legal_contacts", "%q is outside the domains contacts may be in (%s)", c, allowed)
		}
	}
	return v.Err()
}

// ContactsChanged reports whether after names other people than before:
// the owner or the legal contacts differ (a list in another order counts
// as a change; nil and empty do not).
func ContactsChanged(before, after Incident) bool {
	return before.OwnerEmail != after.OwnerEmail || !slices.Equal(before.LegalContacts, after.LegalContacts)
}

// AuthorizeContacts returns EFORBIDDEN unless by may name the people
// Candor mails about an incident: the owner and legal contacts receive its
// deadline reminders (its title, duties and due dates), so choosing them is
// legal's decision, when an incident is created (before is the zero
// Incident) as when it is changed. Comms may create and edit incidents
// without touching them.
func AuthorizeContacts(by Actor, before, after Incident) error {
	if !ContactsChanged(before, after) {
		return nil
	}
	if by.Role.Allows(RoleLegal) {
		return nil
	}
	return Errorf(EFORBIDDEN, "owner_email and legal_contacts are set by the legal role (they receive the incident's deadline reminders); role %q may change the other fields, and leave these out or unchanged", by.Role)
}

// ReminderRecipients returns the incident's owner and legal contacts,
// each address once (compared without case), the owner first.
func (in Incident) ReminderRecipients() []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range append([]string{in.OwnerEmail}, in.LegalContacts...) {
		k := strings.ToLower(strings.TrimSpace(a))
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, strings.TrimSpace(a))
	}
	return out
}
