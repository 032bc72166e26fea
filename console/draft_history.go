package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/revdiff"
	"github.com/gin-gonic/gin"
)

type draftRevRow struct {
	Number           int
	Author, When     string
	Accept           string
	Waivers          []string
	Current, Approve bool
}

// sideRow is one row of a side-by-side diff: the old line on the left,
// the new one on the right; a side without a line is blank.
type draftSideRow struct {
	OldNo, NewNo int
	Old, New     string
	OldOp, NewOp string // "", "delete", "insert"
	Gap          bool   // between two hunks
}

type draftFieldDiff struct {
	Field    string
	TooLarge bool
	Rows     []draftSideRow
}

type draftHistoryData struct {
	ID, Title, IncidentID, IncidentTitle string
	Revisions                            []draftRevRow
	From, To                             string
	Errors                               map[string]string
	Diff                                 []draftFieldDiff
	Compared, Truncated                  bool
}

// maxRevisionNumber is the largest revision number (a 32-bit column).
const draftMaxRevision = 1<<31 - 1

// revisions lists a disclosure's revisions and, with ?from=&to=, the
// side-by-side diff between two of them (package revdiff, as GET
// .../revisions?from=&to= in the API).
func (cs *Console) draftRevisions(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	d, err := cs.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	in, err := cs.store.GetIncident(ctx, d.IncidentID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(in)
	h := draftHistoryData{ID: d.ID, Title: d.Title, IncidentID: in.ID, IncidentTitle: localTitle(in, l), Errors: map[string]string{}}
	cursor := ""
	for {
		page, err := cs.store.ListRevisions(ctx, d.ID, cursor, 1000)
		if err != nil {
			cs.fail(c, err)
			return
		}
		for _, r := range page.Items {
			row := draftRevRow{Number: r.Number, Author: r.AuthorName, When: formatTime(l, r.CreatedAt, loc),
				Current: r.Number == d.Revision, Approve: r.Number == d.ApprovedRevision}
			if o := r.SubmitOptions; o != nil {
				row.Accept = strings.Join(o.AcceptUntranslated, ", ")
				for _, w := range o.Waivers {
					row.Waivers = append(row.Waivers, w.Jurisdiction+" "+w.Element+": "+w.Reason+" — "+w.By)
				}
			}
			h.Revisions = append(h.Revisions, row)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	h.From, h.To = c.Query("from"), c.Query("to")
	if h.From == "" && h.To == "" {
		if d.Revision > 1 {
			h.From, h.To = strconv.Itoa(d.Revision-1), strconv.Itoa(d.Revision)
		}
		cs.render(c, http.StatusOK, "revisions", tr(l, "draft_history")+" · "+d.Title, h)
		return
	}
	from, to := draftRevisionParam(l, h.From, "from", h.Errors), draftRevisionParam(l, h.To, "to", h.Errors)
	var a, b candor.Revision
	if len(h.Errors) == 0 {
		if a, err = cs.store.GetRevision(ctx, d.ID, from); err != nil {
			h.Errors["from"] = tr(l, "draft_no_revision", from)
		}
		if b, err = cs.store.GetRevision(ctx, d.ID, to); err != nil {
			h.Errors["to"] = tr(l, "draft_no_revision", to)
		}
	}
	if len(h.Errors) > 0 {
		cs.render(c, http.StatusUnprocessableEntity, "revisions", tr(l, "draft_history")+" · "+d.Title, h)
		return
	}
	diff := revdiff.Revisions(a, b)
	h.Compared, h.Truncated = true, diff.Truncated
	for _, f := range diff.Fields {
		h.Diff = append(h.Diff, draftFieldDiff{Field: f.Field, TooLarge: f.TooLarge, Rows: draftSideBySide(f.Hunks)})
	}
	cs.render(c, http.StatusOK, "revisions", tr(l, "draft_history")+" · "+d.Title, h)
}

// revisionParam reads a revision number, noting in errs why it is not one.
func draftRevisionParam(l, v, name string, errs map[string]string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > draftMaxRevision {
		errs[name] = tr(l, "draft_revision_number")
		return 0
	}
	return n
}

// sideBySide lays hunks out in two columns: unchanged lines on both sides,
// a run of deleted lines beside the run of inserted lines that replaced
// them, and an empty row between hunks.
func draftSideBySide(hunks []revdiff.Hunk) []draftSideRow {
	var rows []draftSideRow
	for i, h := range hunks {
		if i > 0 {
			rows = append(rows, draftSideRow{Gap: true})
		}
		oldNo, newNo := h.OldStart, h.NewStart
		if h.OldLines == 0 {
			oldNo++
		}
		if h.NewLines == 0 {
			newNo++
		}
		var dels, ins []string
		flush := func() {
			for j := 0; j < max(len(dels), len(ins)); j++ {
				r := draftSideRow{}
				if j < len(dels) {
					r.OldNo, r.Old, r.OldOp = oldNo, dels[j], "delete"
					oldNo++
				}
				if j < len(ins) {
					r.NewNo, r.New, r.NewOp = newNo, ins[j], "insert"
					newNo++
				}
				rows = append(rows, r)
			}
			dels, ins = nil, nil
		}
		for _, ln := range h.Lines {
			switch ln.Op {
			case revdiff.Delete:
				dels = append(dels, ln.Text)
			case revdiff.Insert:
				ins = append(ins, ln.Text)
			default:
				flush()
				rows = append(rows, draftSideRow{OldNo: oldNo, NewNo: newNo, Old: ln.Text, New: ln.Text})
				oldNo++
				newNo++
			}
		}
		flush()
	}
	return rows
}
