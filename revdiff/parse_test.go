package revdiff

import (
	"testing"

	"github.com/candor-dev/candor"
)

func TestParseRange(t *testing.T) {
	tests := []struct {
		in       string
		from, to int
		ok       bool
	}{
		{"1..2", 1, 2, true},
		{"12..3", 12, 3, true},
		{"1..1", 1, 1, true},
		{"", 0, 0, false},
		{"1", 0, 0, false},
		{"1-2", 0, 0, false},
		{"0..2", 0, 0, false},
		{"1..-2", 0, 0, false},
		{"a..b", 0, 0, false},
		{"1..2..3", 0, 0, false},
		{" 1..2", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			from, to, err := ParseRange(tt.in)
			if tt.ok != (err == nil) || from != tt.from || to != tt.to {
				t.Errorf("ParseRange(%q) = %d, %d, %v", tt.in, from, to, err)
			}
			if err != nil && candor.ErrorCode(err) != candor.EINVALID {
				t.Errorf("code %q", candor.ErrorCode(err))
			}
		})
	}
}
