package ical

import (
	"fmt"
	"io"

	ics "github.com/arran4/golang-ical"

	"github.com/candor-dev/candor/jurisdictions"
)

// WriteAll renders several incidents' feeds as one calendar named name (a
// person's subscription: every incident they may see). Events are as
// Write makes them; their UIDs name the incident, so none collide.
func WriteAll(w io.Writer, name string, feeds []Feed) error {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Candor//Breach notification deadlines//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(name)
	cal.SetXWRCalDesc(jurisdictions.Disclaimer)
	for _, f := range feeds {
		addEvents(cal, f)
	}
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return nil
}
