package candor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

func TestValidateSlug(t *testing.T) {
	tests := []struct {
		name, slug string
		ok         bool
		msg        string
	}{
		{"simple", "kawasaki-2020", true, ""},
		{"digits", "2020", true, ""},
		{"one char", "a", true, ""},
		{"100 chars", strings.Repeat("a", 100), true, ""},
		{"empty", "", false, "required"},
		{"101 chars", strings.Repeat("a", 101), false, "longer than 100"},
		{"slash", "a/b", false, "'/'"},
		{"leading slash", "/etc", false, "'/'"},
		{"dot dot", "..", false, "'..'"},
		{"dot dot inside", "a..b", false, "'..'"},
		{"space", "kawasaki 2020", false, "spaces"},
		{"tab", "a\tb", false, "spaces"},
		{"upper case", "Kawasaki", false, "lower-case"},
		{"dot", "a.b", false, "lower-case"},
		{"underscore", "a_b", false, "lower-case"},
		{"non-ascii", "川崎", false, "lower-case"},
		{"percent", "a%2fb", false, "lower-case"},
		{"leading hyphen", "-a", false, "start or end"},
		{"trailing hyphen", "a-", false, "start or end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := candor.ValidateSlug(tt.slug)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidateSlug(%q) = %v, want ok=%v", tt.slug, err, tt.ok)
			}
			if err == nil {
				return
			}
			if candor.ErrorCode(err) != candor.EINVALID {
				t.Errorf("code %s, want invalid", candor.ErrorCode(err))
			}
			f := candor.ErrorFields(err)
			if len(f) != 1 || f[0].Field != "slug" || !strings.Contains(f[0].Message, tt.msg) {
				t.Errorf("fields %v, want slug: …%s…", f, tt.msg)
			}
		})
	}
}

func TestPublishTime(t *testing.T) {
	now := time.Date(2020, 12, 28, 6, 0, 0, 123456789, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	tests := []struct {
		name string
		at   *time.Time
		want time.Time
	}{
		{"absent means now", nil, now.Truncate(time.Microsecond)},
		{"past means now", &past, now.Truncate(time.Microsecond)},
		{"now", &now, now.Truncate(time.Microsecond)},
		{"future kept", &future, future.Truncate(time.Microsecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := candor.PublishTime(tt.at, now); !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("PublishTime = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPublicationWithdraw(t *testing.T) {
	now := time.Date(2020, 12, 28, 6, 0, 0, 0, time.UTC)
	at := now.Add(-time.Minute)
	tests := []struct {
		name  string
		p     candor.Publication
		want  candor.PublicationState
		code  string
		shown bool // Visible at now
	}{
		{"scheduled, future: cancel", candor.Publication{State: candor.PublicationScheduled, PublishAt: now.Add(time.Second)}, candor.PublicationCancelled, "", false},
		{"scheduled, due but not marked: retract", candor.Publication{State: candor.PublicationScheduled, PublishAt: now}, candor.PublicationRetracted, "", true},
		{"published: retract", candor.Publication{State: candor.PublicationPublished, PublishAt: at}, candor.PublicationRetracted, "", true},
		{"retracted twice", candor.Publication{State: candor.PublicationRetracted, PublishAt: at, RetractedAt: &now}, "", candor.ECONFLICT, true},
		{"cancelled twice", candor.Publication{State: candor.PublicationCancelled, PublishAt: at}, "", candor.ECONFLICT, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.p.Withdraw(now)
			if candor.ErrorCode(err) != tt.code {
				t.Fatalf("Withdraw: %v, want code %q", err, tt.code)
			}
			if err == nil && got != tt.want {
				t.Errorf("Withdraw = %s, want %s", got, tt.want)
			}
			if v := tt.p.Visible(now); v != tt.shown {
				t.Errorf("Visible = %v, want %v", v, tt.shown)
			}
		})
	}
}

func TestPublicationAsOf(t *testing.T) {
	at := time.Date(2020, 12, 28, 6, 0, 0, 0, time.UTC)
	p := candor.Publication{State: candor.PublicationScheduled, PublishAt: at}
	if got := p.AsOf(at.Add(-time.Second)); got.State != candor.PublicationScheduled || got.PublishedAt != nil {
		t.Errorf("before publish_at: %s %v", got.State, got.PublishedAt)
	}
	if got := p.AsOf(at); got.State != candor.PublicationPublished || got.PublishedAt == nil || !got.PublishedAt.Equal(at) {
		t.Errorf("at publish_at: %s %v", got.State, got.PublishedAt)
	}
}

func TestCheckPublishable(t *testing.T) {
	tests := []struct {
		name string
		d    candor.Disclosure
		code string
	}{
		{"approved statement", candor.Disclosure{Kind: candor.KindPublicStatement, State: candor.DisclosureApproved, ApprovedRevision: 2}, ""},
		{"draft statement", candor.Disclosure{Kind: candor.KindPublicStatement, State: candor.DisclosureDraft}, candor.ECONFLICT},
		{"in review statement", candor.Disclosure{Kind: candor.KindPublicStatement, State: candor.DisclosureInReview}, candor.ECONFLICT},
		{"approved notice", candor.Disclosure{Kind: candor.KindCustomerNotice, State: candor.DisclosureApproved, ApprovedRevision: 1}, candor.EINVALID},
		{"draft report", candor.Disclosure{Kind: candor.KindRegulatorReport, State: candor.DisclosureDraft}, candor.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := candor.ErrorCode(candor.CheckPublishable(tt.d)); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
		})
	}
}
