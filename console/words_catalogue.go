package console

// The catalogue's words on the deadline board: a duty whose conditions are
// not yet known is "conditional", never overdue (issue 21: the catalogue,
// corrected); the row says what would decide it.
func init() {
	words(map[string]string{
		"conditional": "conditional",
	}, map[string]string{
		"conditional": "条件付き",
	})
}

// joinNotes puts what would decide a conditional duty before what its
// clock lacks, for the board's note column.
func joinNotes(condition, missing string) string {
	switch {
	case condition == "":
		return missing
	case missing == "":
		return condition
	}
	return condition + ". " + missing
}
