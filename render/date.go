package render

import "time"

// FormatDate formats the calendar date of t, in t's own location, exactly
// as the templates' date function does in locale loc ("11 June 2020",
// "2020年6月11日"); pages around a rendered statement use it so that their
// dates read like the statement's own.
func FormatDate(loc string, t time.Time) string { return newLocale(loc).date(t) }
