// Package compose builds what a disclosure template sees (render.Data) from
// domain values: the incident with its public timeline, the organisation,
// the statement's address and, for a customer notice, the recipient.
//
// Preview, submit and the send pipeline all build their data here, so that
// a preview is exactly what is sent. Senders rendering many recipients call
// Base once and set Customer per recipient: that allocates nothing per
// message.
package compose

import (
	"net/url"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
)

// Data is the template data for one message. A nil customer gives an empty
// CustomerView, as regulator reports and public statements are rendered.
// Events should be the incident's public timeline in time order (as
// ListEvents returns it); entries not marked public are left out anyway.
func Data(in candor.Incident, publicEvents []candor.Event, org render.OrgView, c *candor.Customer, statementURL string) render.Data {
	d := Base(in, publicEvents, org, statementURL)
	d.Customer = Customer(c)
	return d
}

// Base is Data without a customer: compute it once per send. The returned
// value shares the incident's slices; templates only read them.
func Base(in candor.Incident, publicEvents []candor.Event, org render.OrgView, statementURL string) render.Data {
	return render.Data{
		Incident: render.IncidentView{
			Title:          in.Title,
			Summary:        in.Summary,
			DiscoveredAt:   in.DiscoveredAt.UTC(),
			OccurredFrom:   timeOf(in.OccurredFrom),
			OccurredTo:     timeOf(in.OccurredTo),
			Severity:       in.Severity,
			DataCategories: in.DataCategories,
			Events:         Events(publicEvents),
		},
		Org:       org,
		Statement: render.StatementView{URL: statementURL},
	}
}

// Customer is the template view of a customer; nil gives the empty view.
// It shares c's category slice and allocates nothing.
func Customer(c *candor.Customer) render.CustomerView {
	if c == nil {
		return render.CustomerView{}
	}
	return render.CustomerView{Name: c.Name, Email: c.Email, Country: c.Country, Region: c.Region,
		Locale: c.Locale, DataCategories: c.DataCategories}
}

// Events maps public timeline entries to their views: a date-only entry is
// midnight UTC of its date with DateOnly set, an instant is kept in UTC.
// Entries not public, or with neither a valid date nor an instant, are left
// out. It returns nil when there are none.
func Events(events []candor.Event) []render.EventView {
	n := 0
	for i := range events {
		if events[i].Public {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]render.EventView, 0, n)
	for i := range events {
		e := &events[i]
		if !e.Public {
			continue
		}
		v := render.EventView{Description: e.Description}
		switch {
		case e.OccurredAt != nil:
			v.Date = e.OccurredAt.UTC()
		case e.OccurredOn != "":
			t, err := time.Parse(candor.DateLayout, e.OccurredOn)
			if err != nil {
				continue
			}
			v.Date, v.DateOnly = t, true
		default:
			continue
		}
		out = append(out, v)
	}
	return out
}

// Org is the organisation as templates see it, from configuration
// (CANDOR_ORG_*), trimmed.
func Org(name, email, phone, website string) render.OrgView {
	return render.OrgView{Name: strings.TrimSpace(name), ContactEmail: strings.TrimSpace(email),
		ContactPhone: strings.TrimSpace(phone), WebsiteURL: strings.TrimSpace(website)}
}

// StatementURL is the public address of an incident's statement:
// baseURL/statements/slug once one is published, else the index at
// baseURL/statements, which is where it will be listed.
func StatementURL(baseURL, slug string) string {
	u := strings.TrimRight(baseURL, "/") + "/statements"
	if slug != "" {
		u += "/" + url.PathEscape(slug)
	}
	return u
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
