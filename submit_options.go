package candor

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on what a submit may carry.
const (
	MaxWaivers      = 100
	MaxWaiverReason = 2000 // characters
	MaxWaiverCode   = 64   // bytes, a waiver's jurisdiction and element codes
	// MaxAcceptUntranslated bounds accept_untranslated: languages, one per
	// variant at most, of up to 64 bytes each (a BCP 47 tag).
	MaxAcceptUntranslated = MaxVariants
	maxLanguageTag        = 64
)

// SubmitOptions is what a submitter says along with a draft: content
// elements a law asks for that the notice knowingly lacks (Waivers), and
// languages whose facts may go out untranslated (AcceptUntranslated). They
// are kept on the submitted revision and in the submit's audit entry.
type SubmitOptions struct {
	AcceptUntranslated []string `json:"accept_untranslated,omitempty"`
	Waivers            []Waiver `json:"waivers,omitempty"`
}

// Waiver lets a notice go to review without an element its jurisdiction's
// checklist requires (or with one it forbids), for a stated reason. Only
// legal or admin may waive.
type Waiver struct {
	Jurisdiction string `json:"jurisdiction"` // catalogue code: "US-CA", "EU"
	Element      string `json:"element"`      // "title", "contact", ...
	Reason       string `json:"reason"`
	By           string `json:"by,omitempty"` // who waived; set on submit
}

// IsZero reports whether there is nothing to keep.
func (o SubmitOptions) IsZero() bool {
	return len(o.AcceptUntranslated) == 0 && len(o.Waivers) == 0
}

// Waiver returns the waiver for an element of a jurisdiction, if any.
func (o SubmitOptions) Waiver(jurisdiction, element string) (Waiver, bool) {
	for _, w := range o.Waivers {
		if w.Jurisdiction == jurisdiction && w.Element == element {
			return w, true
		}
	}
	return Waiver{}, false
}

// NormalizeSubmitOptions checks the options by gives with a submit and
// returns them trimmed, with jurisdiction codes in upper case and each
// waiver's By set to the submitter's name. Waivers need legal or admin.
// AcceptUntranslated is kept as given, trimmed. Errors: EFORBIDDEN when a
// comms submitter gives waivers; EINVALID for a waiver without a
// jurisdiction, element or reason, or one given twice.
func NormalizeSubmitOptions(o SubmitOptions, by Actor) (SubmitOptions, error) {
	out := SubmitOptions{}
	if len(o.AcceptUntranslated) > MaxAcceptUntranslated {
		return SubmitOptions{}, Invalid(FieldError{Field: "accept_untranslated",
			Message: "has " + strconv.Itoa(len(o.AcceptUntranslated)) + " languages; the limit is " + strconv.Itoa(MaxAcceptUntranslated)})
	}
	for i, l := range o.AcceptUntranslated {
		if len(l) > maxLanguageTag {
			return SubmitOptions{}, Invalid(FieldError{Field: "accept_untranslated." + strconv.Itoa(i),
				Message: "must be a language tag of at most " + strconv.Itoa(maxLanguageTag) + " bytes"})
		}
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out.AcceptUntranslated, l) {
			out.AcceptUntranslated = append(out.AcceptUntranslated, l)
		}
	}
	if len(o.Waivers) == 0 {
		return out, nil
	}
	if !by.Role.Allows(RoleLegal) {
		return SubmitOptions{}, Errorf(EFORBIDDEN,
			"role %q may not waive a required element; a legal or admin person must submit with waivers", by.Role)
	}
	var v Validation
	if len(o.Waivers) > MaxWaivers {
		v.Add("waivers", "has %d waivers; the limit is %d", len(o.Waivers), MaxWaivers)
		return SubmitOptions{}, v.Err()
	}
	for i, w := range o.Waivers {
		field := "waivers." + strconv.Itoa(i)
		w = Waiver{Jurisdiction: strings.ToUpper(strings.TrimSpace(w.Jurisdiction)),
			Element: strings.TrimSpace(w.Element), Reason: strings.TrimSpace(w.Reason), By: by.Name}
		switch {
		case w.Jurisdiction == "":
			v.Add(field+".jurisdiction", "is required")
		case len(w.Jurisdiction) > MaxWaiverCode:
			v.Add(field+".jurisdiction", "must be at most %d bytes", MaxWaiverCode)
		case w.Element == "":
			v.Add(field+".element", "is required")
		case len(w.Element) > MaxWaiverCode:
			v.Add(field+".element", "must be at most %d bytes", MaxWaiverCode)
		case w.Reason == "":
			v.Add(field+".reason", "is required: say why the notice may go without it")
		case !utf8.ValidString(w.Reason) || utf8.RuneCountInString(w.Reason) > MaxWaiverReason:
			v.Add(field+".reason", "must be valid UTF-8 of at most %d characters", MaxWaiverReason)
		default:
			if _, dup := out.Waiver(w.Jurisdiction, w.Element); dup {
				v.Add(field, "waives %s %s twice", w.Jurisdiction, w.Element)
				continue
			}
			out.Waivers = append(out.Waivers, w)
		}
	}
	if err := v.Err(); err != nil {
		return SubmitOptions{}, err
	}
	return out, nil
}
