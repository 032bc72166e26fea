package render

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	june11 := time.Date(2020, 6, 11, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		locale string
		t      time.Time
		want   string
	}{
		{"en", june11, "11 June 2020"},
		{"en-GB", june11, "11 June 2020"},
		{"en-US", june11, "June 11, 2020"},
		{"ja", june11, "2020年6月11日"},
		{"ja-JP", time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC), "2020年12月1日"},
		{"th", june11, "11 มิถุนายน พ.ศ. 2563"},
		{"th-TH-u-ca-gregory", june11, "11 มิถุนายน ค.ศ. 2020"},
		{"id", june11, "11 Juni 2020"},
		{"fil", june11, "Hunyo 11, 2020"},
		{"fil", time.Date(2020, 8, 3, 0, 0, 0, 0, time.UTC), "Agosto 3, 2020"},
		{"de", june11, "11 June 2020"},
		{"ja", june11.In(time.FixedZone("JST", 9*3600)), "2020年6月12日"},
		{"ja", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.locale+" "+tt.want, func(t *testing.T) {
			if got := newLocale(tt.locale).date(tt.t); got != tt.want {
				t.Errorf("date = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		locale string
		n      int
		want   string
	}{
		{"en", 0, "0"},
		{"en", 999, "999"},
		{"en", 26000, "26,000"},
		{"ja", 1234567, "1,234,567"},
		{"id", 26000, "26.000"},
		{"en", -1234, "-1,234"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+" "+tt.want, func(t *testing.T) {
			if got := newLocale(tt.locale).number(tt.n); got != tt.want {
				t.Errorf("number = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCategories(t *testing.T) {
	three := []string{"name", "email", "postal_address"}
	tests := []struct {
		name   string
		locale string
		codes  []string
		want   string
	}{
		{"en three", "en", three, "name, email address and postal address"},
		{"en two", "en-US", three[:2], "name and email address"},
		{"en one", "en", three[:1], "name"},
		{"en none", "en", nil, ""},
		{"ja three", "ja", three, "氏名、メールアドレス、住所"},
		{"ja two", "ja", three[:2], "氏名、メールアドレス"},
		{"th three", "th", three, "ชื่อ-นามสกุล ที่อยู่อีเมล และที่อยู่ทางไปรษณีย์"},
		{"th two", "th", three[:2], "ชื่อ-นามสกุลและที่อยู่อีเมล"},
		{"id three", "id", three, "nama, alamat email, dan alamat pos"},
		{"id two", "id", three[:2], "nama dan alamat email"},
		{"fil three", "fil", three, "pangalan, email address, at tirahan"},
		{"fil two", "fil", three[:2], "pangalan at email address"},
		{"aliases and duplicates", "en", []string{"Email-Address", "email", " phone_number ", ""}, "email address and phone number"},
		{"unknown codes as written", "ja", []string{"name", "loyalty_points"}, "氏名、loyalty points"},
		{"unsupported language as English", "de", three[:2], "name and email address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newLocale(tt.locale).categories(tt.codes); got != tt.want {
				t.Errorf("categories = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("every code named in every language", func(t *testing.T) {
		for _, code := range DataCategories() {
			if categoryLabels(code) == nil {
				t.Errorf("no labels for %q", code)
			}
		}
	})
}

func TestCheckFormat(t *testing.T) {
	tests := []struct {
		format string
		ok     bool
	}{
		{"%d people", true},
		{"%5.2f%%", true},
		{"%[1]s %[2]s", true},
		{"%-200s", true},
		{"%201d", false},
		{"%.1000s", false},
		{"%*d", false},
		{"%99999999999999999999d", false},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			if err := checkFormat(tt.format); (err == nil) != tt.ok {
				t.Errorf("checkFormat(%q) = %v, want ok %v", tt.format, err, tt.ok)
			}
		})
	}
}
