package candor_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

// canon stands in for render.CanonicalLocale, which the domain may not
// import: it lower-cases the language, upper-cases a region, and refuses
// anything that is not letters and hyphens.
func canon(tag string) (string, error) {
	parts := strings.Split(strings.ReplaceAll(tag, "_", "-"), "-")
	for i, p := range parts {
		if p == "" || strings.Trim(strings.ToLower(p), "abcdefghijklmnopqrstuvwxyz") != "" || len(p) > 8 {
			return "", fmt.Errorf("bad tag %q", tag)
		}
		parts[i] = strings.ToLower(p)
		if i > 0 && len(p) == 2 {
			parts[i] = strings.ToUpper(p)
		}
	}
	if len(parts[0]) < 2 || len(parts[0]) > 3 {
		return "", fmt.Errorf("bad tag %q", tag)
	}
	return strings.Join(parts, "-"), nil
}

var (
	t0    = time.Date(2020, 12, 28, 9, 0, 0, 0, time.UTC)
	alice = candor.Actor{TokenID: "tok-alice", Name: "Alice (comms)", Role: candor.RoleComms}
	bob   = candor.Actor{TokenID: "tok-bob", Name: "Bob (legal)", Role: candor.RoleLegal}
	carol = candor.Actor{TokenID: "tok-carol", Name: "Carol (legal)", Role: candor.RoleLegal}
	dave  = candor.Actor{TokenID: "tok-dave", Name: "Dave (admin)", Role: candor.RoleAdmin}
	vic   = candor.Actor{TokenID: "tok-vic", Name: "Vic (viewer)", Role: candor.RoleViewer}
	cody  = candor.Actor{TokenID: "tok-cody", Name: "Cody (comms)", Role: candor.RoleComms}
)

func content(title string) candor.DisclosureContent {
	return candor.DisclosureContent{
		Title:         title,
		DefaultLocale: "en",
		Variants: map[string]candor.Variant{
			"en": {Subject: "Notice", Body: "<p>Dear {{.Customer.Name}}</p>"},
			"ja": {Subject: "お知らせ", Body: "<p>{{.Customer.Name}} 様</p>"},
		},
	}
}

func newDraft(t *testing.T, by candor.Actor) *candor.Disclosure {
	t.Helper()
	d, rev, err := candor.NewDisclosure("dis-1", "inc-1", candor.KindCustomerNotice, content("Notice"), by, t0, canon)
	if err != nil {
		t.Fatalf("NewDisclosure: %v", err)
	}
	if rev.Number != 1 || d.Revision != 1 || d.State != candor.DisclosureDraft {
		t.Fatalf("new disclosure: revision %d/%d state %s, want 1/1 draft", rev.Number, d.Revision, d.State)
	}
	return d
}

// inReview returns a disclosure written and submitted by the given actors.
func inReview(t *testing.T, editor, submitter candor.Actor) *candor.Disclosure {
	t.Helper()
	d := newDraft(t, editor)
	if err := d.Submit(submitter, t0); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return d
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := candor.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestReviewCycleWithTwoTokens(t *testing.T) {
	d := newDraft(t, alice)
	steps := []struct {
		name  string
		do    func() error
		state candor.DisclosureState
		rev   int
	}{
		{"comms submits", func() error { return d.Submit(alice, t0) }, candor.DisclosureInReview, 1},
		{"legal rejects", func() error { return d.Reject("Say when we found out.", bob, t0) }, candor.DisclosureDraft, 1},
		{"comms edits", func() error { _, err := d.Edit(content("Notice v2"), alice, t0, canon); return err }, candor.DisclosureDraft, 2},
		{"comms resubmits", func() error { return d.Submit(alice, t0) }, candor.DisclosureInReview, 2},
		{"legal approves", func() error { return d.Approve(2, bob, t0) }, candor.DisclosureApproved, 2},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if d.State != s.state || d.Revision != s.rev {
			t.Fatalf("%s: state %s revision %d, want %s %d", s.name, d.State, d.Revision, s.state, s.rev)
		}
	}
	if d.ApprovedRevision != 2 || d.ApprovedBy != bob.TokenID || d.EditedBy != alice.TokenID {
		t.Errorf("approved %d by %q, edited by %q", d.ApprovedRevision, d.ApprovedBy, d.EditedBy)
	}
	if d.RejectReason != "" {
		t.Errorf("reject reason %q survived a resubmit", d.RejectReason)
	}
}

func TestApprove(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T) *candor.Disclosure
		revision int
		by       candor.Actor
		code     string
	}{
		{"legal approves another's revision", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }, 1, bob, ""},
		{"admin approves", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, cody) }, 1, dave, ""},
		{"viewer is forbidden", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }, 1, vic, candor.EFORBIDDEN},
		{"comms is forbidden", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }, 1, cody, candor.EFORBIDDEN},
		{"no token is forbidden", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }, 1, candor.Actor{Role: candor.RoleAdmin}, candor.EFORBIDDEN},
		{"four eyes: last editor", func(t *testing.T) *candor.Disclosure { return inReview(t, bob, alice) }, 1, bob, candor.EFORBIDDEN},
		{"four eyes: submitter", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, carol) }, 1, carol, candor.EFORBIDDEN},
		{"stale revision", func(t *testing.T) *candor.Disclosure {
			d := newDraft(t, alice)
			if _, err := d.Edit(content("v2"), alice, t0, canon); err != nil {
				t.Fatal(err)
			}
			if err := d.Submit(alice, t0); err != nil {
				t.Fatal(err)
			}
			return d
		}, 1, bob, candor.ECONFLICT},
		{"future revision", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }, 2, bob, candor.ECONFLICT},
		{"missing revision", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }, 0, bob, candor.EINVALID},
		{"a draft", func(t *testing.T) *candor.Disclosure { return newDraft(t, alice) }, 1, bob, candor.ECONFLICT},
		{"already approved", func(t *testing.T) *candor.Disclosure {
			d := inReview(t, alice, alice)
			if err := d.Approve(1, carol, t0); err != nil {
				t.Fatal(err)
			}
			return d
		}, 1, bob, candor.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.setup(t)
			before := *d
			err := d.Approve(tt.revision, tt.by, t0.Add(time.Hour))
			wantCode(t, err, tt.code)
			if err != nil && (d.State != before.State || d.ApprovedBy != before.ApprovedBy || d.ApprovedRevision != before.ApprovedRevision) {
				t.Errorf("refused approval changed the disclosure: %+v", d)
			}
			if err == nil && (d.State != candor.DisclosureApproved || d.ApprovedRevision != tt.revision || d.ApprovedBy != tt.by.TokenID) {
				t.Errorf("after approval: state %s, approved revision %d by %q", d.State, d.ApprovedRevision, d.ApprovedBy)
			}
		})
	}
}

func TestEditFallsBackToDraft(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) *candor.Disclosure
	}{
		{"approved: approval voided", func(t *testing.T) *candor.Disclosure {
			d := inReview(t, alice, alice)
			if err := d.Approve(1, bob, t0); err != nil {
				t.Fatal(err)
			}
			return d
		}},
		{"in review", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }},
		{"draft", func(t *testing.T) *candor.Disclosure { return newDraft(t, alice) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.setup(t)
			rev, err := d.Edit(content("Edited"), cody, t0.Add(time.Hour), canon)
			if err != nil {
				t.Fatalf("Edit: %v", err)
			}
			if d.State != candor.DisclosureDraft || d.ApprovedRevision != 0 || d.ApprovedBy != "" || d.SubmittedBy != "" {
				t.Errorf("after edit: %+v", d)
			}
			if rev.Number != 2 || d.Revision != 2 || rev.AuthorTokenID != cody.TokenID || rev.AuthorName != cody.Name || d.EditedBy != cody.TokenID {
				t.Errorf("revision %+v, disclosure revision %d edited by %q", rev, d.Revision, d.EditedBy)
			}
			if rev.Content.Title != "Edited" || d.Title != "Edited" || !rev.CreatedAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("revision content %+v at %v", rev.Content, rev.CreatedAt)
			}
			// The old approval must not carry over to the new revision.
			wantCode(t, d.Approve(1, bob, t0), candor.ECONFLICT)
		})
	}
}

func TestEditRefused(t *testing.T) {
	tests := []struct {
		name    string
		by      candor.Actor
		content candor.DisclosureContent
		code    string
	}{
		{"viewer", vic, content("x"), candor.EFORBIDDEN},
		{"no title", alice, content(" "), candor.EINVALID},
		{"bad locale", alice, func() candor.DisclosureContent {
			c := content("x")
			c.Variants["not a locale!"] = candor.Variant{Subject: "s", Body: "b"}
			return c
		}(), candor.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := inReview(t, alice, alice)
			before := *d
			_, err := d.Edit(tt.content, tt.by, t0, canon)
			wantCode(t, err, tt.code)
			if d.Revision != before.Revision || d.State != before.State || d.Title != before.Title {
				t.Errorf("refused edit changed the disclosure: %+v", d)
			}
		})
	}
}

func TestSubmit(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) *candor.Disclosure
		by    candor.Actor
		code  string
	}{
		{"draft by comms", func(t *testing.T) *candor.Disclosure { return newDraft(t, alice) }, cody, ""},
		{"draft by viewer", func(t *testing.T) *candor.Disclosure { return newDraft(t, alice) }, vic, candor.EFORBIDDEN},
		{"already in review", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }, alice, candor.ECONFLICT},
		{"approved", func(t *testing.T) *candor.Disclosure {
			d := inReview(t, alice, alice)
			if err := d.Approve(1, bob, t0); err != nil {
				t.Fatal(err)
			}
			return d
		}, alice, candor.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.setup(t)
			err := d.Submit(tt.by, t0)
			wantCode(t, err, tt.code)
			if err == nil && (d.State != candor.DisclosureInReview || d.SubmittedBy != tt.by.TokenID) {
				t.Errorf("after submit: state %s submitted by %q", d.State, d.SubmittedBy)
			}
		})
	}
}

func TestReject(t *testing.T) {
	approved := func(t *testing.T) *candor.Disclosure {
		d := inReview(t, alice, alice)
		if err := d.Approve(1, bob, t0); err != nil {
			t.Fatal(err)
		}
		return d
	}
	review := func(t *testing.T) *candor.Disclosure { return inReview(t, alice, alice) }
	tests := []struct {
		name   string
		setup  func(t *testing.T) *candor.Disclosure
		reason string
		by     candor.Actor
		code   string
	}{
		{"with a reason", review, "  Wrong date.  ", bob, ""},
		{"by the submitter, who is legal", func(t *testing.T) *candor.Disclosure { return inReview(t, alice, bob) }, "Withdrawn.", bob, ""},
		{"without a reason", review, "", bob, candor.EINVALID},
		{"with a blank reason", review, " \n ", bob, candor.EINVALID},
		{"with a huge reason", review, strings.Repeat("x", candor.MaxRejectReason+1), bob, candor.EINVALID},
		{"by comms", review, "No.", cody, candor.EFORBIDDEN},
		{"a draft", func(t *testing.T) *candor.Disclosure { return newDraft(t, alice) }, "No.", bob, candor.ECONFLICT},
		{"an approved one", approved, "No.", carol, candor.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.setup(t)
			before := *d
			err := d.Reject(tt.reason, tt.by, t0)
			wantCode(t, err, tt.code)
			switch {
			case err != nil && (d.State != before.State || d.RejectReason != ""):
				t.Errorf("refused rejection changed the disclosure: %+v", d)
			case err == nil && (d.State != candor.DisclosureDraft || d.RejectReason != strings.TrimSpace(tt.reason) || d.SubmittedBy != ""):
				t.Errorf("after reject: state %s reason %q submitted by %q", d.State, d.RejectReason, d.SubmittedBy)
			}
		})
	}
}
