package compose

import (
	"context"
	"strconv"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
)

// Untranslated renders variant v (key key) for customer c with every fact
// that fell back to the default language replaced by a marker, and returns
// the fallbacks whose marker the message shows: the facts a reader of that
// language would get in another language. A fact the template never
// prints is not reported, so a variant that leaves out the summary needs
// no translation of it.
func (f *Facts) Untranslated(ctx context.Context, key string, v candor.Variant, c render.CustomerView) ([]Fallback, error) {
	d, fb := f.Base(key)
	if len(fb) == 0 {
		return nil, nil
	}
	marks := make([]string, len(fb))
	for i, x := range fb {
		marks[i] = "zzcandoruntranslated" + strconv.Itoa(i) + "zz"
		switch {
		case x.Field == "title":
			d.Incident.Title = marks[i]
		case x.Field == "summary":
			d.Incident.Summary = marks[i]
		case x.Field == "reporting_entity.name":
			d.Org.Name = marks[i]
		case x.event >= 0 && x.event < len(d.Incident.Events):
			ev := append([]render.EventView(nil), d.Incident.Events...)
			ev[x.event].Description = marks[i]
			d.Incident.Events = ev
		}
	}
	d.Customer = c
	r, err := render.Render(ctx, v, key, d)
	if err != nil {
		return nil, err
	}
	var shown []Fallback
	for i, m := range marks {
		if strings.Contains(r.HTML, m) || strings.Contains(r.Text, m) || strings.Contains(r.Subject, m) {
			shown = append(shown, fb[i])
		}
	}
	return shown, nil
}
