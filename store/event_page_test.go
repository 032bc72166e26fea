package store_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// The timeline is listed a page at a time, in time order, entries of the
// same day kept apart by id across page boundaries.
func TestEventPages(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, err := db.CreateIncident(ctx, newIncident("timeline"))
			if err != nil {
				t.Fatal(err)
			}
			for i := range 120 {
				e := candor.Event{OccurredOn: fmt.Sprintf("2020-06-%02d", 1+i%7), Description: fmt.Sprint("event ", i), Public: i%3 != 0}
				if _, err := db.CreateEvent(ctx, in.ID, e); err != nil {
					t.Fatal(err)
				}
			}
			for _, public := range []bool{false, true} {
				all, err := db.ListEvents(ctx, in.ID, public)
				if err != nil {
					t.Fatal(err)
				}
				var paged []candor.Event
				cursor, pages := "", 0
				for {
					p, err := db.ListEventsPage(ctx, in.ID, public, cursor, 25)
					if err != nil {
						t.Fatal(err)
					}
					pages++
					paged = append(paged, p.Items...)
					if p.NextCursor == nil {
						break
					}
					cursor = *p.NextCursor
				}
				if len(paged) != len(all) || pages != (len(all)+24)/25 {
					t.Fatalf("public=%v: %d entries in %d pages; the timeline has %d", public, len(paged), pages, len(all))
				}
				for i := range all {
					if paged[i].ID != all[i].ID {
						t.Fatalf("public=%v: entry %d is %s, want %s", public, i, paged[i].Description, all[i].Description)
					}
				}
			}
			if p, err := db.ListEventsPage(ctx, in.ID, false, "", 0); err != nil || len(p.Items) != 50 || p.NextCursor == nil {
				t.Errorf("default page: %d items, %v", len(p.Items), err)
			}
			_, err = db.ListEventsPage(ctx, in.ID, false, "abcd", 10)
			wantCode(t, err, candor.EINVALID)
			_, err = db.ListEventsPage(ctx, "00000000-0000-7000-8000-000000000000", false, "", 10)
			wantCode(t, err, candor.ENOTFOUND)
		})
	}
}

// Notices and pages see at most candor.MaxTimelineEvents public entries;
// the one after is refused, and the API still lists every entry.
func TestTimelineIsBounded(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, err := db.CreateIncident(ctx, newIncident("long timeline"))
			if err != nil {
				t.Fatal(err)
			}
			insertEvents(t, db, in.ID, candor.MaxTimelineEvents)
			_, err = db.CreateEvent(ctx, in.ID, candor.Event{OccurredOn: "2020-07-01", Description: "one more", Public: true})
			wantCode(t, err, candor.EINVALID)
			if fe := err.(*candor.Error).Fields; len(fe) != 1 || fe[0].Field != "public" {
				t.Errorf("fields %+v", fe)
			}
			if _, err := db.CreateEvent(ctx, in.ID, candor.Event{OccurredOn: "2020-07-01", Description: "internal", Public: false}); err != nil {
				t.Fatal(err)
			}
			insertEvents(t, db, in.ID, 5) // past the limit, as a race of creations could
			for _, public := range []bool{true, false} {
				if got, err := db.ListEvents(ctx, in.ID, public); err != nil || len(got) != candor.MaxTimelineEvents {
					t.Errorf("public=%v: templates see %d entries, %v", public, len(got), err)
				}
			}
			p, err := db.ListEventsPage(ctx, in.ID, false, "", 1000)
			if err != nil || len(p.Items) != 1000 || p.NextCursor == nil {
				t.Fatalf("first page: %d, %v", len(p.Items), err)
			}
			if p, err = db.ListEventsPage(ctx, in.ID, false, *p.NextCursor, 1000); err != nil || len(p.Items) != 6 || p.NextCursor != nil {
				t.Fatalf("second page: %d, %v", len(p.Items), err)
			}
		})
	}
}

// insertEvents adds n public events in one statement, past CreateEvent's
// check and its audit entries.
func insertEvents(t *testing.T, db *store.DB, incidentID string, n int) {
	t.Helper()
	now := time.Now().UTC()
	rows := make([]map[string]any, n)
	for i := range rows {
		day := time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%30)
		rows[i] = map[string]any{"id": store.NewID(), "incident_id": incidentID, "occurred_on": day.Format(candor.DateLayout),
			"sort_at": day, "description": fmt.Sprint("bulk ", i), "public": true, "created_at": now}
	}
	if err := db.Gorm().WithContext(context.Background()).Table("incident_events").CreateInBatches(rows, 500).Error; err != nil {
		t.Fatal(err)
	}
}

// A revision cursor past 2³¹−1 is not ours: a 422 on both databases, not
// PostgreSQL's refusal of the parameter.
func TestRevisionCursorOutOfRange(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			d := newDisclosure(t, db)
			for _, n := range []string{"n2147483648", "n99999999999"} {
				_, err := db.ListRevisions(viewer, d.ID, base64.RawURLEncoding.EncodeToString([]byte(n)), 10)
				wantCode(t, err, candor.EINVALID)
			}
		})
	}
}
