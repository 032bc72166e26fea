package candor

import (
	"slices"
	"strings"
	"time"
)

// SendState is where a send is in its life.
type SendState string

// Send states. Completed and cancelled are final.
const (
	SendScheduled SendState = "scheduled" // waiting for send_at
	SendRunning   SendState = "running"   // deliveries created, being sent
	SendPaused    SendState = "paused"    // pending deliveries wait for resume
	SendCompleted SendState = "completed" // every delivery reached a final status
	SendCancelled SendState = "cancelled" // pending deliveries were cancelled
)

// Delivery statuses. A delivery moves pending → sending → sent under a
// condition; failed, bounced and cancelled are final too.
const (
	DeliveryPending   = "pending"
	DeliverySending   = "sending"
	DeliverySent      = "sent"
	DeliveryFailed    = "failed"
	DeliveryBounced   = "bounced"
	DeliveryCancelled = "cancelled"
)

// SendFilter narrows a customer notice's audience. Empty lists mean all.
type SendFilter struct {
	Countries []string `json:"countries"`
	Regions   []string `json:"regions"`
	Locales   []string `json:"locales"`
}

// Send delivers one approved revision of a disclosure to its audience.
type Send struct {
	ID           string     `json:"id"`
	DisclosureID string     `json:"disclosure_id"`
	IncidentID   string     `json:"incident_id"`
	Kind         string     `json:"kind"`
	Revision     int        `json:"revision"`
	State        SendState  `json:"state"`
	SendAt       time.Time  `json:"send_at"`
	Filter       SendFilter `json:"filter"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	StartedAt    *time.Time `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at"`
	SendCounts
}

// SendCounts is a send's progress.
type SendCounts struct {
	Total     int `json:"total"`
	Pending   int `json:"pending"`
	Sending   int `json:"sending"`
	Sent      int `json:"sent"`
	Failed    int `json:"failed"`
	Bounced   int `json:"bounced"`
	Cancelled int `json:"cancelled"`
	// PossibleDuplicates counts deliveries claimed again after a crash
	// (their first attempt may have reached the relay): sent again, they
	// may have reached the customer twice.
	PossibleDuplicates int `json:"possible_duplicates"`
}

// Delivery is one recipient's message of a send.
type Delivery struct {
	ID         string     `json:"id"`
	SendID     string     `json:"send_id"`
	CustomerID *string    `json:"customer_id"`
	Email      string     `json:"email"`
	Locale     string     `json:"locale"`
	Status     string     `json:"status"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error"`
	MessageID  string     `json:"message_id"`
	Response   string     `json:"response"`
	SentAt     *time.Time `json:"sent_at"`
	// PossibleDuplicate: claimed again after a crash, so it may have
	// reached the recipient twice (with the same Message-ID).
	PossibleDuplicate bool `json:"possible_duplicate"`
}

// Pause, Resume and Cancel return the state a send moves to, or ECONFLICT
// when the action does not apply to its current state.
func (s SendState) Pause() (SendState, error) {
	if s == SendScheduled || s == SendRunning {
		return SendPaused, nil
	}
	return s, Errorf(ECONFLICT, "a %s send cannot be paused", s)
}

// Resume continues a paused send: running if it had started, else
// scheduled again.
func (s SendState) Resume(started bool) (SendState, error) {
	if s != SendPaused {
		return s, Errorf(ECONFLICT, "only a paused send can be resumed; this one is %s", s)
	}
	if started {
		return SendRunning, nil
	}
	return SendScheduled, nil
}

// Cancel stops a send for good; what was sent stays sent.
func (s SendState) Cancel() (SendState, error) {
	if s == SendCompleted || s == SendCancelled {
		return s, Errorf(ECONFLICT, "a %s send cannot be cancelled", s)
	}
	return SendCancelled, nil
}

// MaxFilterValues bounds each list of a send's filter (countries,
// regions, locales): more than any real audience needs (ISO 3166-2 has
// about 5,000 regions, a send picks a few), so a filter stays small in the
// send's row and its audit entry.
const MaxFilterValues = 1000

// Normalize validates a filter against the geo and locale checkers and
// puts its values in canonical form.
func (f SendFilter) Normalize(geo GeoChecker, loc LocaleCanonicalizer) (SendFilter, error) {
	var v Validation
	out := SendFilter{Countries: []string{}, Regions: []string{}, Locales: []string{}}
	for _, l := range []struct {
		field  string
		values []string
	}{{"filter.countries", f.Countries}, {"filter.regions", f.Regions}, {"filter.locales", f.Locales}} {
		if len(l.values) > MaxFilterValues {
			v.Add(l.field, "has %d values; the limit is %d", len(l.values), MaxFilterValues)
		}
	}
	if len(v) > 0 {
		return out, v.Err()
	}
	for _, c := range f.Countries {
		cc, ok := geo.Country(strings.TrimSpace(c))
		if !ok {
			v.Add("filter.countries", "%s is not an ISO 3166-1 alpha-2 code", QuoteShort(c))
			continue
		}
		out.Countries = appendUnique(out.Countries, cc)
	}
	for _, r := range f.Regions {
		rc, ok := geo.Region(strings.TrimSpace(r))
		if !ok {
			v.Add("filter.regions", "%s is not an ISO 3166-2 code", QuoteShort(r))
			continue
		}
		out.Regions = appendUnique(out.Regions, rc)
	}
	for _, l := range f.Locales {
		lc, err := loc.CanonicalLocale(l)
		if err != nil {
			v.Add("filter.locales", "%s is not a BCP 47 tag", QuoteShort(l))
			continue
		}
		out.Locales = appendUnique(out.Locales, lc)
	}
	return out, v.Err()
}

func appendUnique(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
