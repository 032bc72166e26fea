package holidays_test

import (
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
)

// The engine only sees the interface; this keeps the two in step.
var _ deadline.BusinessCalendar = (*holidays.Calendar)(nil)

func day(t *testing.T, zone, date string) time.Time {
	t.Helper()
	loc, err := holidays.New().Location(zone)
	if err != nil {
		t.Fatal(err)
	}
	d, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(12 * time.Hour)
}

func TestIsBusinessDay(t *testing.T) {
	c := holidays.New()
	tests := []struct {
		name     string
		calendar string
		zone     string
		date     string
		want     bool
	}{
		{"US ordinary Wednesday", "US", "America/New_York", "2024-11-27", true},
		{"US Thanksgiving", "US", "America/New_York", "2024-11-28", false},
		{"US day after Thanksgiving is not federal", "US", "America/New_York", "2024-11-29", true},
		{"US Saturday", "US", "America/New_York", "2024-11-30", false},
		{"US Christmas", "US", "America/New_York", "2024-12-25", false},
		{"US Independence Day on Saturday observed Friday", "US", "America/New_York", "2020-07-03", false},
		{"US Juneteenth 2024", "US", "America/New_York", "2024-06-19", false},
		{"US Juneteenth not yet a holiday in 2020", "US", "America/New_York", "2020-06-19", true},
		{"US New Year 2022 on Saturday observed Friday 2021-12-31", "US", "America/New_York", "2021-12-31", false},
		{"us lower-case calendar name", "us", "America/New_York", "2024-11-28", false},
		{"JP Showa Day", "JP", "Asia/Tokyo", "2024-04-29", false},
		{"JP Golden Week working day", "JP", "Asia/Tokyo", "2024-04-30", true},
		{"JP Constitution Memorial Day", "JP", "Asia/Tokyo", "2024-05-03", false},
		{"JP Children's Day substitute holiday", "JP", "Asia/Tokyo", "2024-05-06", false},
		{"JP after Golden Week", "JP", "Asia/Tokyo", "2024-05-07", true},
		{"JP Marine Day 2020 moved for the Olympics", "JP", "Asia/Tokyo", "2020-07-23", false},
		{"JP US holiday is a working day", "JP", "Asia/Tokyo", "2024-11-28", true},
		// The Olympics special measures act moved four holidays in 2020 and 2021.
		{"JP Sports Day 2020 moved to 24 July", "JP", "Asia/Tokyo", "2020-07-24", false},
		{"JP Mountain Day 2020 moved to 10 August", "JP", "Asia/Tokyo", "2020-08-10", false},
		{"JP 11 August 2020 a working day", "JP", "Asia/Tokyo", "2020-08-11", true},
		{"JP Marine Day 2021 moved to 22 July", "JP", "Asia/Tokyo", "2021-07-22", false},
		{"JP Sports Day 2021 moved to 23 July", "JP", "Asia/Tokyo", "2021-07-23", false},
		{"JP Mountain Day 2021 on Sunday 8 August, substitute Monday 9 August", "JP", "Asia/Tokyo", "2021-08-09", false},
		{"JP 11 August 2021 a working day", "JP", "Asia/Tokyo", "2021-08-11", true},
		{"JP 19 July 2021 (Marine Day's usual Monday) a working day", "JP", "Asia/Tokyo", "2021-07-19", true},
		{"JP Mountain Day 2022 back on 11 August", "JP", "Asia/Tokyo", "2022-08-11", false},
		{"JP no Emperor's Birthday in 2019", "JP", "Asia/Tokyo", "2019-12-23", true},
		{"JP Emperor's Birthday 2018", "JP", "Asia/Tokyo", "2018-12-24", false}, // 23rd a Sunday
		{"JP Emperor's Birthday 2021", "JP", "Asia/Tokyo", "2021-02-23", false},
		{"JP companies work on 30 December", "JP", "Asia/Tokyo", "2024-12-30", true},
		{"JP-GOV offices closed on 30 December", "JP-GOV", "Asia/Tokyo", "2024-12-30", false},
		{"JP-GOV offices closed on 3 January", "JP-GOV", "Asia/Tokyo", "2025-01-03", false},
		{"JP-GOV open on 6 January", "JP-GOV", "Asia/Tokyo", "2025-01-06", true},
		{"JP-GOV national holidays too", "JP-GOV", "Asia/Tokyo", "2020-08-10", false},
		{"TH weekday (weekends only)", "TH", "Asia/Bangkok", "2024-04-15", true},
		{"TH Sunday", "TH", "Asia/Bangkok", "2024-04-14", false},
		{"unknown calendar Saturday", "XX", "UTC", "2024-06-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsBusinessDay(tt.calendar, day(t, tt.zone, tt.date)); got != tt.want {
				t.Errorf("IsBusinessDay(%s, %s) = %v, want %v", tt.calendar, tt.date, got, tt.want)
			}
		})
	}
}

func TestHoliday(t *testing.T) {
	c := holidays.New()
	if name, ok := c.Holiday("US", day(t, "America/New_York", "2024-11-28")); !ok || name != "Thanksgiving Day" {
		t.Errorf("Holiday(US, 2024-11-28) = %q, %v", name, ok)
	}
	if name, ok := c.Holiday("JP", day(t, "Asia/Tokyo", "2024-04-30")); ok {
		t.Errorf("Holiday(JP, 2024-04-30) = %q, want none", name)
	}
	if _, ok := c.Holiday("TH", day(t, "Asia/Bangkok", "2024-04-13")); ok {
		t.Error("Holiday(TH) found a holiday in a weekends-only calendar")
	}
}

func TestLocation(t *testing.T) {
	c := holidays.New()
	for _, name := range []string{"America/New_York", "Asia/Tokyo", "Europe/Brussels", "Australia/Sydney"} {
		t.Run(name, func(t *testing.T) {
			loc, err := c.Location(name)
			if err != nil || loc.String() != name {
				t.Fatalf("Location(%q) = %v, %v", name, loc, err)
			}
			again, _ := c.Location(name)
			if again != loc {
				t.Error("second Location call did not return the cached zone")
			}
		})
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus_Mons"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			if _, err := c.Location(bad); err == nil {
				t.Errorf("Location(%q) succeeded", bad)
			}
		})
	}
}

// The reminder task and API may share one Calendar; run with -race.
func TestConcurrentUse(t *testing.T) {
	c := holidays.New()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			loc, err := c.Location("America/New_York")
			if err != nil {
				t.Error(err)
				return
			}
			d := time.Date(2024, 11, 20+i, 12, 0, 0, 0, loc)
			c.IsBusinessDay("US", d)
			c.IsBusinessDay("JP", d)
		})
	}
	wg.Wait()
}
