package console

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// personRow is one person on the incident.
type personRow struct {
	Name, Role, Last string
	Changes          int64
}

// participants lists who changed the incident, with their role and when
// they last did, in the incident's zone.
func (cs *Console) participants(c *gin.Context, in candor.Incident) ([]personRow, error) {
	ps, err := cs.store.IncidentParticipants(c.Request.Context(), in.ID)
	if err != nil {
		return nil, err
	}
	l, loc := lang(c), cs.location(in)
	out := make([]personRow, len(ps))
	for i, p := range ps {
		role := string(p.Role)
		if role == "" {
			role = tr(l, "room_role_unknown")
		}
		out[i] = personRow{Name: p.Name, Role: role, Changes: p.Changes, Last: formatTime(l, p.Last, loc)}
	}
	return out, nil
}

type historyRow struct {
	When, Who, Action, Resource string
	Changes                     []changeRow
}

type changeRow struct{ Field, Before, After string }

type historyData struct {
	ID, Title, Timezone, Next string
	Items                     []historyRow
}

// history is the incident's audit entries, newest first (GET /api/v1/audit
// ?incident_id=, legal's), each with what changed.
func (cs *Console) history(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	in, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	page, err := cs.store.ListAudit(ctx, candor.AuditFilter{IncidentID: in.ID, Cursor: c.Query("cursor"), Limit: 50})
	if candor.ErrorCode(err) == candor.EINVALID {
		cs.renderError(c, http.StatusUnprocessableEntity, "not_found")
		return
	} else if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(in)
	d := historyData{ID: in.ID, Title: localTitle(in, l), Timezone: loc.String()}
	for _, e := range page.Items {
		d.Items = append(d.Items, historyRow{When: formatTime(l, e.At, loc), Who: e.ActorName, Action: e.Action,
			Resource: e.Resource, Changes: summaryChanges(e.Summary, l, loc)})
	}
	if page.NextCursor != nil {
		d.Next = "/console/incidents/" + in.ID + "/history?cursor=" + *page.NextCursor
	}
	cs.render(c, http.StatusOK, "history", tr(l, "room_history")+" · "+d.Title, d)
}

// summaryChanges reads an audit summary: {field: {before, after}} for an
// update, {after: {...}} for a creation, other shapes as field: value.
// Values are shown as compact JSON, cut at 300 characters; a time is shown
// in the incident's zone; a creation's empty fields are left out.
func summaryChanges(raw json.RawMessage, l string, loc *time.Location) []changeRow {
	short := func(s string) string { return shortValue(s, l, loc) }
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return []changeRow{{After: shortValue(string(raw), l, loc)}}
	}
	if after, ok := m["after"]; ok && len(m) == 1 {
		var inner map[string]json.RawMessage
		if json.Unmarshal(after, &inner) == nil {
			m = inner
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []changeRow
	for _, k := range keys {
		var ch struct {
			Before *json.RawMessage `json:"before"`
			After  *json.RawMessage `json:"after"`
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(m[k], &probe) == nil && len(probe) == 2 && probe["before"] != nil && probe["after"] != nil {
			_ = json.Unmarshal(m[k], &ch)
			out = append(out, changeRow{Field: k, Before: short(string(*ch.Before)), After: short(string(*ch.After))})
			continue
		}
		if v := string(m[k]); v != "null" && v != `""` && v != "[]" && v != "{}" {
			out = append(out, changeRow{Field: k, After: short(v)})
		}
	}
	return out
}

func shortValue(s, l string, loc *time.Location) string {
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return formatTime(l, t, loc)
		}
	}
	if utf8.RuneCountInString(s) > 300 {
		r := []rune(s)
		return string(r[:300]) + "…"
	}
	return s
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
