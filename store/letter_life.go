package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// LetterRecipient is a letter with its customer, decrypted, to print.
type LetterRecipient struct {
	Letter   candor.Letter
	Customer candor.Customer
}

type letterRow struct {
	ID, BatchID, CustomerID, Reference, Locale, Country, Status string
	FirstPage, Pages                                            *int
}

// BatchLetters returns up to limit letters of a batch printed on one paper
// (US Letter for US and CA, else A4), from offset in id order, each with
// its customer decrypted: a printing run reads a batch a part at a time,
// each part in the same time wherever it lies in the batch. An erased customer's letter comes with the customer's
// erased record (no address): the printer leaves it out.
func (db *DB) BatchLetters(ctx context.Context, batchID string, usLetter bool, offset, limit int) ([]LetterRecipient, error) {
	kr, err := db.keyring()
	if err != nil {
		return nil, err
	}
	var letters []letterRow
	in := "NOT IN"
	if usLetter {
		in = "IN"
	}
	// A range of seq (the letter's place on its paper in id order, set
	// when the batch was made), not OFFSET: that walked every letter before
	// the part, so printing a batch was quadratic in its size.
	if err := db.gorm.WithContext(ctx).Raw(`SELECT id, batch_id, customer_id, reference, locale, country, status, first_page, pages FROM letters
		WHERE batch_id = ? AND seq >= ? AND seq < ? AND country `+in+` ('US', 'CA') ORDER BY id`, batchID, offset, offset+limit).Scan(&letters).Error; err != nil {
		return nil, fmt.Errorf("batch letters: %w", err)
	}
	ids := make([]string, len(letters))
	for i, l := range letters {
		ids[i] = l.CustomerID
	}
	var rows []customerRow
	if len(ids) > 0 {
		if err := db.gorm.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("batch letters: %w", err)
		}
	}
	byID := make(map[string]customerRow, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	out := make([]LetterRecipient, 0, len(letters))
	for _, l := range letters {
		c, err := unseal(kr, byID[l.CustomerID])
		if err != nil {
			return nil, err
		}
		out = append(out, LetterRecipient{Letter: candor.Letter{ID: l.ID, BatchID: l.BatchID, CustomerID: l.CustomerID,
			Reference: l.Reference, Locale: l.Locale, Country: l.Country, Status: l.Status,
			FirstPage: deref(l.FirstPage), Pages: deref(l.Pages)}, Customer: c})
	}
	return out, nil
}

func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// LetterPages is where a printed letter lies in its part's PDF.
type LetterPages struct {
	LetterID         string
	FirstPage, Pages int
}

// RecordLetterPages stores where each letter of a part lies in the PDF
// just printed (a later print of the part replaces it): the manifest's
// first_page and pages. The letters are of batch batchID; others are left
// alone.
func (db *DB) RecordLetterPages(ctx context.Context, batchID string, ps []LetterPages) error {
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, p := range ps {
			if err := tx.Exec("UPDATE letters SET first_page = ?, pages = ? WHERE id = ? AND batch_id = ?",
				p.FirstPage, p.Pages, p.LetterID, batchID).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record letter pages: %w", err)
	}
	return nil
}

// MarkLettersDownloaded records the first download of a batch's letters.
func (db *DB) MarkLettersDownloaded(ctx context.Context, id string) error {
	now := db.now()
	return db.gorm.WithContext(ctx).Model(&letterBatchRow{}).Where("id = ? AND downloaded_at IS NULL", id).
		Updates(map[string]any{"downloaded_at": now, "updated_at": now,
			"state": gorm.Expr("CASE WHEN state = ? THEN ? ELSE state END", candor.LettersGenerated, candor.LettersDownloaded)}).Error
}

// MarkLettersMailed records the day a batch was posted (YYYY-MM-DD, not
// after today in UTC+14, the earliest zone). Marking it again with the
// same day is a no-op; another day corrects it, and the audit log keeps
// both.
func (db *DB) MarkLettersMailed(ctx context.Context, id, mailedOn string) (candor.LetterBatch, error) {
	day, err := time.Parse(time.DateOnly, mailedOn)
	if err != nil || day.Year() < 1970 {
		return candor.LetterBatch{}, candor.Invalid(candor.FieldError{Field: "mailed_on", Message: "must be a date, YYYY-MM-DD"})
	}
	if day.After(db.now().Add(14 * time.Hour)) {
		return candor.LetterBatch{}, candor.Invalid(candor.FieldError{Field: "mailed_on", Message: "is in the future: record the day the letters were posted"})
	}
	var out candor.LetterBatch
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		var rows []letterBatchRow
		if err := tx.Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
			return audit{}, err
		}
		if len(rows) == 0 {
			return audit{}, candor.Errorf(candor.ENOTFOUND, "letter batch not found")
		}
		r := rows[0]
		now := db.now()
		state := r.State
		if state != candor.LettersReturned {
			state = candor.LettersMailed
		}
		r.MailedOn, r.MailedAt, r.State, r.UpdatedAt = &mailedOn, &now, state, now
		if err := tx.Model(&letterBatchRow{}).Where("id = ?", id).Updates(map[string]any{"mailed_on": mailedOn,
			"mailed_at": now, "state": state, "updated_at": now}).Error; err != nil {
			return audit{}, err
		}
		out = r.batch()
		return audit{Action: "letters.mailed", Resource: "letter_batch", ResourceID: id, IncidentID: r.IncidentID,
			Summary: map[string]any{"mailed_on": mailedOn, "total": r.Total}}, nil
	})
	return out, translate("mark letters mailed", "letter batch", err)
}

// ReturnedLine is one line of a returned-mail file: a reference as typed.
type ReturnedLine struct {
	Line      int
	Reference string
}

// RecordReturned marks the letters named by their references as returned
// undelivered. Every reference must be a letter of this batch: any that is
// malformed or unknown is reported with its line and nothing is stored.
// A letter already returned stays as it was (an import may be repeated).
func (db *DB) RecordReturned(ctx context.Context, id string, lines []ReturnedLine) (candor.LetterBatch, int, error) {
	var errs []candor.FieldError
	refs := make([]string, 0, len(lines))
	lineOf := map[string]int{}
	for _, l := range lines {
		ref, err := candor.ParseReference("reference", l.Reference)
		if err != nil {
			for _, fe := range candor.ErrorFields(err) {
				fe.Line = l.Line
				errs = append(errs, fe)
			}
			continue
		}
		if _, dup := lineOf[ref]; !dup {
			refs = append(refs, ref)
			lineOf[ref] = l.Line
		}
	}
	if len(lines) == 0 {
		errs = append(errs, candor.FieldError{Field: "file", Message: "names no references (one per line, in a column headed reference)"})
	}
	var out candor.LetterBatch
	marked := 0
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		var rows []letterBatchRow
		if err := tx.Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
			return audit{}, err
		}
		if len(rows) == 0 {
			return audit{}, candor.Errorf(candor.ENOTFOUND, "letter batch not found")
		}
		var known []struct{ Reference, Status string }
		for start := 0; start < len(refs); start += 500 {
			var part []struct{ Reference, Status string }
			if err := tx.Raw("SELECT reference, status FROM letters WHERE batch_id = ? AND reference IN ?", id,
				refs[start:min(start+500, len(refs))]).Scan(&part).Error; err != nil {
				return audit{}, err
			}
			known = append(known, part...)
		}
		have := map[string]string{}
		for _, k := range known {
			have[k.Reference] = k.Status
		}
		for _, ref := range refs {
			if _, ok := have[ref]; !ok {
				errs = append(errs, candor.FieldError{Line: lineOf[ref], Field: "reference",
					Message: ref + " is not a letter of this batch"})
			}
		}
		if len(errs) > 0 {
			return audit{}, candor.Invalid(errs...)
		}
		now := db.now()
		fresh := []string{}
		for _, ref := range refs {
			if have[ref] != "returned" {
				fresh = append(fresh, ref)
			}
		}
		for start := 0; start < len(fresh); start += 500 {
			res := tx.Exec("UPDATE letters SET status = 'returned', returned_at = ? WHERE batch_id = ? AND reference IN ? AND status <> 'returned'",
				now, id, fresh[start:min(start+500, len(fresh))])
			if res.Error != nil {
				return audit{}, res.Error
			}
			marked += int(res.RowsAffected)
		}
		r := rows[0]
		r.Returned += marked
		if marked > 0 {
			r.State, r.UpdatedAt = candor.LettersReturned, now
			if err := tx.Model(&letterBatchRow{}).Where("id = ?", id).Updates(map[string]any{"returned": r.Returned,
				"state": r.State, "updated_at": now}).Error; err != nil {
				return audit{}, err
			}
		}
		out = r.batch()
		return audit{Action: "letters.returned", Resource: "letter_batch", ResourceID: id, IncidentID: r.IncidentID,
			Summary: map[string]any{"references": len(refs), "newly_returned": marked}}, nil
	})
	return out, marked, translate("record returned letters", "letter batch", err)
}

// ParseReturned reads a returned-mail file: CSV or plain text with one
// reference per line, optionally under a header naming a "reference"
// column (other columns are ignored). Blank lines are skipped.
func ParseReturned(text string) []ReturnedLine {
	var out []ReturnedLine
	col := 0
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimPrefix(line, "\uFEFF")
		if strings.TrimSpace(line) == "" {
			continue
		}
		cells := strings.Split(line, ",")
		if i == 0 || (len(out) == 0 && col == 0 && strings.EqualFold(strings.TrimSpace(cells[0]), "reference")) {
			found := false
			for j, c := range cells {
				if strings.EqualFold(strings.Trim(strings.TrimSpace(c), `"`), "reference") {
					col, found = j, true
				}
			}
			if found {
				continue
			}
		}
		v := ""
		if col < len(cells) {
			v = strings.Trim(strings.TrimSpace(cells[col]), `"`)
		}
		out = append(out, ReturnedLine{Line: i + 1, Reference: v})
	}
	return out
}

// CountLetters counts a batch's letters on A4 and on US Letter.
func (db *DB) CountLetters(ctx context.Context, batchID string) (a4, usLetter int, err error) {
	var n []struct {
		US    bool
		Count int
	}
	err = db.gorm.WithContext(ctx).Raw(`SELECT country IN ('US', 'CA') AS us, count(*) AS count FROM letters
		WHERE batch_id = ? GROUP BY country IN ('US', 'CA')`, batchID).Scan(&n).Error
	for _, r := range n {
		if r.US {
			usLetter = r.Count
		} else {
			a4 = r.Count
		}
	}
	return a4, usLetter, err
}
