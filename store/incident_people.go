package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/candor-dev/candor"
)

// Participant is someone who changed an incident, as its audit entries
// name them: a person (whichever of their tokens or console session they
// used), the command line, or a token whose person is unknown.
type Participant struct {
	PersonID string      // "" when no person is known
	Name     string      // the person's name, else the audit entry's
	Role     candor.Role // the person's role now; "" when unknown
	Changes  int64
	Last     time.Time // their latest change
}

// IncidentParticipants lists who changed the incident, latest first, from
// its audit entries (the index audit_log_incident holds them). Errors:
// ENOTFOUND for the incident.
//
// The incident room shows it on every load, also while a send keeps the
// CPUs busy, when each round trip waits for one: the reads go in two
// rounds (the incident beside the audit groups; then the latest entries'
// times beside the people), where they were five one after another.
func (db *DB) IncidentParticipants(ctx context.Context, incidentID string) ([]Participant, error) {
	var groups []struct {
		ActorID   string
		ActorName string
		N         int64
		LastSeq   int64
	}
	g := db.gorm.WithContext(ctx)
	var incErr, groupErr error
	var wg sync.WaitGroup
	wg.Go(func() { _, incErr = db.GetIncident(ctx, incidentID) })
	wg.Go(func() {
		groupErr = g.Raw(`SELECT actor_id, actor_name, COUNT(*) AS n, MAX(seq) AS last_seq FROM audit_log
			WHERE incident_id = ? GROUP BY actor_id, actor_name`, incidentID).Scan(&groups).Error
	})
	wg.Wait()
	if incErr != nil {
		return nil, incErr
	}
	if groupErr != nil {
		return nil, fmt.Errorf("incident participants: %w", groupErr)
	}
	var seqs []int64
	var tokenIDs, personIDs []string
	for _, r := range groups {
		seqs = append(seqs, r.LastSeq)
		if id, ok := strings.CutPrefix(r.ActorID, PersonActorPrefix); ok {
			personIDs = append(personIDs, id)
		} else if r.ActorID != "" {
			tokenIDs = append(tokenIDs, r.ActorID)
		}
	}
	if len(groups) == 0 {
		return []Participant{}, nil
	}
	// The times of each group's latest entry, beside the people named
	// directly or behind the tokens (one query: the tokens joined to their
	// people): few rows each, read by primary key.
	var lasts []auditRow
	var lastErr error
	wg.Go(func() { lastErr = g.Select("seq, at").Where("seq IN ?", seqs).Find(&lasts).Error })
	var found []struct {
		TokenID, ID, Name, Role string
	}
	if len(tokenIDs)+len(personIDs) > 0 {
		if tokenIDs == nil {
			tokenIDs = []string{""}
		}
		if personIDs == nil {
			personIDs = []string{""}
		}
		if err := g.Raw(`SELECT t.id AS token_id, p.id, p.name, p.role FROM tokens t JOIN people p ON p.id = t.person_id
			WHERE t.id IN ? AND t.person_id <> ''
			UNION ALL SELECT '' AS token_id, id, name, role FROM people WHERE id IN ?`, tokenIDs, personIDs).Scan(&found).Error; err != nil {
			wg.Wait()
			return nil, fmt.Errorf("incident participants: %w", err)
		}
	}
	if wg.Wait(); lastErr != nil {
		return nil, fmt.Errorf("incident participants: %w", lastErr)
	}
	at := map[int64]time.Time{}
	for _, r := range lasts {
		at[r.Seq] = r.At.UTC()
	}
	tokenPerson := map[string]string{}
	people := map[string]personRow{}
	for _, f := range found {
		if f.TokenID != "" {
			tokenPerson[f.TokenID] = f.ID
		}
		people[f.ID] = personRow{ID: f.ID, Name: f.Name, Role: f.Role}
	}
	byKey := map[string]*Participant{}
	var order []string
	for _, r := range groups {
		pid, ok := strings.CutPrefix(r.ActorID, PersonActorPrefix)
		if !ok {
			pid = tokenPerson[r.ActorID]
		}
		key := "actor:" + r.ActorID + "\x00" + r.ActorName
		p := Participant{Name: r.ActorName}
		if row, found := people[pid]; found {
			key, p = "person:"+pid, Participant{PersonID: pid, Name: row.Name, Role: candor.Role(row.Role)}
		} else if r.ActorID == "cli" {
			p.Role = candor.RoleAdmin // candor.CLIActor
		}
		cur, seen := byKey[key]
		if !seen {
			cur = &p
			byKey[key] = cur
			order = append(order, key)
		}
		cur.Changes += r.N
		if t := at[r.LastSeq]; t.After(cur.Last) {
			cur.Last = t
		}
	}
	out := make([]Participant, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	slices.SortFunc(out, func(a, b Participant) int { return b.Last.Compare(a.Last) })
	return out, nil
}

// CustomerDelivery is one message sent (or to be sent) to a customer.
type CustomerDelivery struct {
	ID, SendID, DisclosureID, DisclosureTitle, DisclosureKind string
	Status, LastError, MessageID, Reference                   string
	Attempts                                                  int
	SentAt                                                    *time.Time
	CreatedAt                                                 time.Time
	PossibleDuplicate                                         bool
}

// CustomerDeliveries lists a customer's deliveries, oldest first. They are
// found through the incident's disclosures and deliveries_once
// (disclosure_id, recipient_key = the customer's id): deliveries have no
// index on customer_id, which every send would have to update. Errors:
// ENOTFOUND for the customer.
func (db *DB) CustomerDeliveries(ctx context.Context, customerID string) ([]CustomerDelivery, error) {
	g := db.gorm.WithContext(ctx)
	cu, err := getCustomerRow(g, customerID)
	if err != nil {
		return nil, err
	}
	var ds []disclosureRow
	if err := g.Select("id, title, kind").Where("incident_id = ?", cu.IncidentID).Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("customer deliveries: %w", err)
	}
	out := []CustomerDelivery{}
	if len(ds) == 0 {
		return out, nil
	}
	byID := map[string]disclosureRow{}
	ids := make([]string, len(ds))
	for i, d := range ds {
		byID[d.ID], ids[i] = d, d.ID
	}
	var rows []struct {
		ID, SendID, DisclosureID, Status, LastError, MessageID string
		Reference                                              *string
		Attempts                                               int
		SentAt                                                 *time.Time
		CreatedAt                                              time.Time
		PossibleDuplicate                                      bool
	}
	if err := g.Raw(`SELECT id, send_id, disclosure_id, status, last_error, message_id, attempts, sent_at, created_at,
		possible_duplicate, reference FROM deliveries WHERE disclosure_id IN ? AND recipient_key = ? ORDER BY created_at, id`,
		ids, customerID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("customer deliveries: %w", err)
	}
	for _, r := range rows {
		d, ref := byID[r.DisclosureID], ""
		if r.Reference != nil {
			ref = *r.Reference
		}
		out = append(out, CustomerDelivery{ID: r.ID, SendID: r.SendID, DisclosureID: r.DisclosureID, DisclosureTitle: d.Title,
			DisclosureKind: d.Kind, Status: r.Status, LastError: r.LastError, MessageID: r.MessageID, Reference: ref, Attempts: r.Attempts,
			SentAt: utcPtr(r.SentAt), CreatedAt: r.CreatedAt.UTC(), PossibleDuplicate: r.PossibleDuplicate})
	}
	return out, nil
}
