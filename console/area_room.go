package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// roomStore is what the room pages need from the store: the same calls
// the API's incident and event handlers make, and the audit trail.
type roomStore interface {
	CreateIncident(ctx context.Context, in candor.Incident) (candor.Incident, error)
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	UpdateIncident(ctx context.Context, id string, change func(*candor.Incident) error) (candor.Incident, error)
	CreateEvent(ctx context.Context, incidentID string, e candor.Event) (candor.Event, error)
	IncidentParticipants(ctx context.Context, incidentID string) ([]store.Participant, error)
	ListAudit(ctx context.Context, f candor.AuditFilter) (store.Page[candor.AuditEntry], error)
}

// roomRoutes mounts the room's forms and its history. Each handler checks
// the role its API route needs (api/routes.go): comms creates and edits
// incidents and adds events; the history is the audit trail, legal's.
func (cs *Console) roomRoutes(in *gin.RouterGroup) {
	in.GET("/incidents/new", cs.need(candor.RoleComms), cs.newIncidentForm)
	in.POST("/incidents", limitForm, cs.checkCSRF, cs.need(candor.RoleComms), cs.createIncident)
	in.GET("/incidents/:id/edit", cs.need(candor.RoleComms), cs.editIncidentForm)
	in.POST("/incidents/:id", limitForm, cs.checkCSRF, cs.need(candor.RoleComms), cs.updateIncident)
	in.POST("/incidents/:id/events", limitForm, cs.checkCSRF, cs.need(candor.RoleComms), cs.createEvent)
	in.GET("/incidents/:id/history", cs.need(candor.RoleLegal), cs.history)
}

// need refuses a person whose role is below min, as the API's require does.
func (cs *Console) need(min candor.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if p, ok := cs.session(c); !ok || !p.Role.Allows(min) {
			cs.renderError(c, http.StatusForbidden, "room_forbidden")
			return
		}
		c.Next()
	}
}

// may reports whether the signed-in person has at least role min.
func may(c *gin.Context, min candor.Role) bool {
	p, ok := c.Get(personKey)
	return ok && p.(candor.Person).Role.Allows(min)
}

// lookupZone loads an IANA zone as the rest of the console does.
func (cs *Console) lookupZone(zone string) (*time.Location, error) {
	if cs.cfg.Calendar != nil {
		if loc, err := cs.cfg.Calendar.Location(zone); err == nil {
			return loc, nil
		}
	}
	return time.LoadLocation(zone)
}

func (cs *Console) newIncidentForm(c *gin.Context) {
	f := incidentForm{Action: "/console/incidents", Timezone: cs.cfg.Timezone, Language: "en", Severity: "high"}
	if f.Timezone == "" {
		f.Timezone = "UTC"
	}
	f.Categories, _ = categoryBoxes(nil)
	f.choices()
	cs.render(c, http.StatusOK, "incident_form", tr(lang(c), "room_new"), f)
}

// createIncident does what POST /api/v1/incidents does: an empty zone is
// the organisation's, and the store validates and audits.
func (cs *Console) createIncident(c *gin.Context) {
	f := readIncidentForm(c.Request.PostForm)
	f.Action = "/console/incidents"
	if f.Timezone == "" {
		f.Timezone = cs.cfg.Timezone
	}
	var in candor.Incident
	errs := f.apply(&in, nil, cs.lookupZone)
	if len(errs) > 0 {
		cs.incidentFormInvalid(c, f, in, errs)
		return
	}
	out, err := cs.store.CreateIncident(c.Request.Context(), in)
	if candor.ErrorCode(err) == candor.EINVALID {
		f.place(candor.ErrorFields(err))
		cs.render(c, http.StatusUnprocessableEntity, "incident_form", tr(lang(c), "room_new"), f)
		return
	} else if err != nil {
		cs.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+out.ID)
}

// incidentFormInvalid shows the form's own errors (a date it could not
// read) with whatever else the domain finds in the rest, nothing stored.
func (cs *Console) incidentFormInvalid(c *gin.Context, f incidentForm, in candor.Incident, errs []candor.FieldError) {
	mine := map[string]bool{}
	for _, e := range errs {
		mine[e.Field] = true
	}
	for _, e := range candor.ErrorFields(in.Validate()) {
		if !mine[e.Field] {
			errs = append(errs, e)
		}
	}
	f.place(errs)
	title := tr(lang(c), "room_new")
	if f.Edit {
		title = tr(lang(c), "room_edit")
	}
	cs.render(c, http.StatusUnprocessableEntity, "incident_form", title, f)
}

func (cs *Console) editIncidentForm(c *gin.Context) {
	in, err := cs.store.GetIncident(c.Request.Context(), c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	cs.render(c, http.StatusOK, "incident_form", tr(lang(c), "room_edit"), cs.incidentToForm(in))
}

// updateIncident is PATCH /api/v1/incidents/:id with the fields the form
// shows: those replace the stored ones inside the store's transaction,
// the rest (contacts, the other dates) stay as they are.
func (cs *Console) updateIncident(c *gin.Context) {
	id := c.Param("id")
	f := readIncidentForm(c.Request.PostForm)
	f.ID, f.Edit, f.Action = id, true, "/console/incidents/"+id
	var formErrs []candor.FieldError
	var tried candor.Incident
	_, err := cs.store.UpdateIncident(c.Request.Context(), id, func(in *candor.Incident) error {
		before := in.Clone()
		formErrs = f.apply(in, &before, cs.lookupZone)
		if len(formErrs) > 0 {
			tried = in.Clone()
			return errFormInvalid
		}
		return nil
	})
	switch {
	case len(formErrs) > 0:
		cs.incidentFormInvalid(c, f, tried, formErrs)
	case candor.ErrorCode(err) == candor.EINVALID:
		f.place(candor.ErrorFields(err))
		cs.render(c, http.StatusUnprocessableEntity, "incident_form", tr(lang(c), "room_edit"), f)
	case err != nil:
		cs.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, "/console/incidents/"+id)
	}
}

// errFormInvalid ends an update whose form could not be read; nothing is
// stored.
var errFormInvalid = candor.Errorf(candor.EINVALID, "the form has errors")

// eventForm is the timeline form as typed.
type eventForm struct {
	OccurredOn, OccurredAt, Description, Public string
	// ScopeJurisdictions and ScopeCategories widen the scope from the
	// event's time, as the API's scope {jurisdictions, data_categories}:
	// codes separated by commas or spaces, as typed.
	ScopeJurisdictions, ScopeCategories string
	Translations                        []eventText
	NewLang, NewText                    string
	Errors                              map[string]string
	Unplaced                            []string
}

type eventText struct{ Lang, Text string }

func newEventForm(in candor.Incident) eventForm {
	f := eventForm{Errors: map[string]string{}}
	for _, k := range sortedKeys(in.Translations) {
		f.Translations = append(f.Translations, eventText{Lang: k})
	}
	return f
}

// createEvent is POST /api/v1/incidents/:id/events: occurred_at is a wall
// time in the incident's zone; public must be chosen.
func (cs *Console) createEvent(c *gin.Context) {
	ctx := c.Request.Context()
	in, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	form := c.Request.PostForm
	f := eventForm{OccurredOn: strings.TrimSpace(form.Get("occurred_on")), OccurredAt: strings.TrimSpace(form.Get("occurred_at")),
		Description: textarea(form.Get("description")), Public: form.Get("public"), Errors: map[string]string{},
		NewLang: strings.TrimSpace(form.Get("event_new_lang")), NewText: textarea(form.Get("event_new_text")),
		ScopeJurisdictions: strings.TrimSpace(form.Get("scope.jurisdictions")), ScopeCategories: strings.TrimSpace(form.Get("scope.data_categories"))}
	e := candor.Event{OccurredOn: f.OccurredOn, Description: f.Description, Public: f.Public == "true",
		Translations: map[string]candor.EventText{}}
	if js, cs := codes(f.ScopeJurisdictions), codes(f.ScopeCategories); len(js)+len(cs) > 0 {
		e.Scope = &candor.EventScope{Jurisdictions: js, DataCategories: cs}
	}
	var errs []candor.FieldError
	for _, k := range form["event_translation"] {
		t := textarea(form.Get("translations." + k + ".description"))
		f.Translations = append(f.Translations, eventText{Lang: k, Text: t})
		e.Translations[k] = candor.EventText{Description: t}
	}
	if f.NewLang != "" {
		e.Translations[f.NewLang] = candor.EventText{Description: f.NewText}
	} else if strings.TrimSpace(f.NewText) != "" {
		errs = append(errs, candor.FieldError{Field: "event_new_lang", Message: "is required for the new translation (e.g. th)"})
	}
	if f.OccurredAt != "" {
		t, perr := time.ParseInLocation(localLayout, f.OccurredAt, cs.location(in))
		if perr != nil {
			errs = append(errs, candor.FieldError{Field: "occurred_at", Message: "must be a date and time (YYYY-MM-DDTHH:MM)"})
		} else {
			e.OccurredAt = &t
		}
	}
	if f.Public != "true" && f.Public != "false" {
		errs = append(errs, candor.FieldError{Field: "public", Message: "is required: true if the event may appear in public statements"})
	}
	if len(errs) == 0 {
		_, err = cs.store.CreateEvent(ctx, in.ID, e)
		if err == nil {
			c.Redirect(http.StatusSeeOther, "/console/incidents/"+in.ID+"#timeline")
			return
		}
		if candor.ErrorCode(err) != candor.EINVALID {
			cs.fail(c, err)
			return
		}
		errs = candor.ErrorFields(err)
	} else {
		for _, fe := range candor.ErrorFields(e.Validate()) {
			if fe.Field != "occurred_on" || f.OccurredAt == "" || e.OccurredAt != nil { // a bad occurred_at is already said
				errs = append(errs, fe)
			}
		}
	}
	f.place(errs)
	cs.room(c, http.StatusUnprocessableEntity, in, &f)
}

// place puts each error beside its field; a new translation's errors go
// beside its language and text.
func (f *eventForm) place(errs []candor.FieldError) {
	fields := map[string]bool{"occurred_on": true, "occurred_at": true, "description": true, "public": true, "event_new_lang": true,
		"scope.jurisdictions": true, "scope.data_categories": true}
	for _, t := range f.Translations {
		fields["translations."+t.Lang+".description"] = true
	}
	newKey := ""
	if k, err := candor.LanguageKey(f.NewLang); err == nil {
		newKey = k
	}
	for _, e := range errs {
		field := e.Field
		switch field {
		case "translations." + f.NewLang, "translations." + newKey:
			field = "event_new_lang"
		case "translations." + f.NewLang + ".description", "translations." + newKey + ".description":
			field = "event_new_text"
			fields[field] = true
		}
		if !fields[field] {
			f.Unplaced = append(f.Unplaced, e.Field+": "+e.Message)
			continue
		}
		if prev := f.Errors[field]; prev != "" {
			f.Errors[field] = prev + "; " + e.Message
		} else {
			f.Errors[field] = e.Message
		}
	}
}

func init() {
	words(map[string]string{
		"room_forbidden": "Your role may not do this.", "room_new": "New incident", "room_edit": "Edit the facts",
		"room_create": "Create the incident", "room_save": "Save the facts", "room_title": "Title", "room_summary": "Summary",
		"room_discovered_at": "Discovered at", "room_discovered_help": "Date and time in the incident's time zone (the time-zone field), not your computer's.",
		"room_timezone": "Time zone (IANA, e.g. Asia/Tokyo)", "room_language": "Language of the title and summary (e.g. en, ja)",
		"room_severity": "Severity", "room_cause": "Cause", "room_cause_unknown": "not known yet", "room_malicious": "Malicious",
		"room_unknown": "not determined", "room_yes": "yes", "room_no": "no", "room_categories": "Data categories",
		"room_other_categories": "Other categories (comma-separated labels)", "room_entity": "Reporting entity",
		"room_entity_name": "Name", "room_entity_country": "Country (ISO 3166-1, e.g. JP)", "room_entity_listed": "Listed in the US (SEC)",
		"room_translation": "Translation", "room_add_translation": "Add a translation", "room_translation_lang": "Language (e.g. ja)",
		"room_entity_translated": "Reporting entity's name", "room_remove_hint": "Empty every field of a language to remove its translation.",
		"room_errors": "Nothing was saved. Correct the fields marked below.", "room_cancel": "Cancel",
		"room_add_event": "Add an event", "room_occurred_on": "Date (if only the day is known)",
		"room_occurred_at": "Or date and time, in the incident's time zone", "room_description": "Description",
		"room_public": "May it appear in notices and public statements?", "room_public_yes": "public", "room_public_no": "private (internal only)",
		"room_private": "private", "room_event_translation": "Description in", "room_add": "Add the event",
		"room_scope": "Scope learned from this event", "room_scope_help": "Countries or regions (JP, PH, US-CA, EU) and data categories (national_id, credentials …) known from this moment to be affected; each country's duties run from then. Leave empty if the event widens nothing.",
		"room_scope_jurisdictions": "Jurisdictions", "room_scope_categories": "Data categories",
		"room_on_it": "Who is on it", "room_nobody": "Nobody has changed this incident yet.", "room_changes": "changes",
		"room_last": "last", "room_history": "History", "room_when": "When", "room_who": "Who", "room_what": "What",
		"room_changed": "Changed", "room_older": "Older entries", "room_no_history": "No entries.", "room_role_unknown": "role unknown",
		"room_history_note": "The incident's audit entries, newest first, times in the incident's zone. The chain is verified with candor audit verify.",
		"room_new_link":     "New incident", "room_edit_link": "Edit the facts and translations", "room_timeline_all": "Timeline",
	}, map[string]string{
		"room_forbidden": "この操作はあなたの役割では行えません。", "room_new": "インシデントの新規作成", "room_edit": "事実の編集",
		"room_create": "インシデントを作成", "room_save": "事実を保存", "room_title": "件名", "room_summary": "概要",
		"room_discovered_at": "発覚日時", "room_discovered_help": "タイムゾーン欄（インシデントのタイムゾーン）での日時です。お使いのコンピューターのタイムゾーンではありません。",
		"room_timezone": "タイムゾーン（IANA、例: Asia/Tokyo）", "room_language": "件名と概要の言語（例: en、ja）",
		"room_severity": "重大度", "room_cause": "原因", "room_cause_unknown": "未判明", "room_malicious": "悪意の有無",
		"room_unknown": "未確定", "room_yes": "あり", "room_no": "なし", "room_categories": "データ分類",
		"room_other_categories": "その他の分類（カンマ区切り）", "room_entity": "報告主体",
		"room_entity_name": "名称", "room_entity_country": "国（ISO 3166-1、例: JP）", "room_entity_listed": "米国上場（SEC）",
		"room_translation": "翻訳", "room_add_translation": "翻訳を追加", "room_translation_lang": "言語（例: ja）",
		"room_entity_translated": "報告主体の名称", "room_remove_hint": "ある言語の欄をすべて空にすると、その翻訳は削除されます。",
		"room_errors": "保存されていません。下の印の付いた欄を修正してください。", "room_cancel": "キャンセル",
		"room_add_event": "経緯を追加", "room_occurred_on": "日付（日のみ判明している場合）",
		"room_occurred_at": "または日時（インシデントのタイムゾーン）", "room_description": "内容",
		"room_public": "通知や公表文に掲載してよいですか？", "room_public_yes": "公開", "room_public_no": "非公開（社内のみ）",
		"room_private": "非公開", "room_event_translation": "内容の翻訳:", "room_add": "経緯を追加",
		"room_scope": "この経緯で判明した対象範囲", "room_scope_help": "この時点で影響が判明した国・地域（JP、PH、US-CA、EU）とデータ分類（national_id、credentials など）。各国の義務の期限はこの時点から数えます。範囲が広がらない場合は空欄のまま。",
		"room_scope_jurisdictions": "法域", "room_scope_categories": "データ分類",
		"room_on_it": "担当者", "room_nobody": "このインシデントを変更した人はまだいません。", "room_changes": "件の変更",
		"room_last": "最終", "room_history": "履歴", "room_when": "日時", "room_who": "実行者", "room_what": "操作",
		"room_changed": "変更内容", "room_older": "古い項目", "room_no_history": "項目はありません。", "room_role_unknown": "役割不明",
		"room_history_note": "インシデントの監査記録（新しい順、日時はインシデントのタイムゾーン）。チェーンは candor audit verify で検証できます。",
		"room_new_link":     "インシデントの新規作成", "room_edit_link": "事実と翻訳を編集", "room_timeline_all": "経緯",
	})
}

// codes splits a typed list of codes ("ID, PH" or "ID PH"); empty: none.
func codes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '、' })
}
