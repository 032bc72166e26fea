package candor

import (
	"reflect"
	"testing"
	"time"
)

// Every field of an incident that can share memory (pointer, slice, map) is
// copied by Clone: a field added later without a line in Clone fails here.
func TestIncidentCloneSharesNothing(t *testing.T) {
	at := time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC)
	yes := true
	in := Incident{OccurredFrom: &at, OccurredTo: &at, DeterminedAt: &at, MaterialityDeterminedAt: &at,
		NotifiableAssessedAt: &at, ContainedAt: &at, Malicious: &yes, Acquired: &yes, HighRisk: &yes, LawEnforcementDelay: &yes,
		DataCategories: []string{"a"}, LegalContacts: []string{"l@example.com"},
		ReportingEntity: &ReportingEntity{Name: "X", Country: "JP"},
		Translations:    map[string]IncidentText{"ja": {Title: "t"}}}
	out := in.Clone()
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("clone differs:\n%+v\n%+v", in, out)
	}
	a, b := reflect.ValueOf(in), reflect.ValueOf(out)
	for i := range a.NumField() {
		f := a.Type().Field(i)
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			if a.Field(i).IsNil() {
				t.Fatalf("test incident leaves %s nil: set it, so the test covers it", f.Name)
			}
			if a.Field(i).UnsafePointer() == b.Field(i).UnsafePointer() {
				t.Errorf("Clone shares %s with the original", f.Name)
			}
		}
	}
	if c := (Incident{}).Clone(); c.DataCategories != nil || c.Translations != nil {
		t.Errorf("clone of nil fields made them empty: %+v", c)
	}
}
