package revdiff

import (
	"strconv"
	"strings"

	"github.com/candor-dev/candor"
)

// ParseRange parses the ?diff= query value "FROM..TO" ("1..2") into two
// revision numbers, both at least 1. FROM may be greater than TO, to see an
// edit undone. Errors: EINVALID naming the field "diff".
func ParseRange(s string) (from, to int, err error) {
	a, b, ok := strings.Cut(s, "..")
	if ok {
		from, err = strconv.Atoi(a)
		if err == nil {
			to, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || from < 1 || to < 1 {
		return 0, 0, candor.Invalid(candor.FieldError{Field: "diff", Message: "must be two revision numbers, as in 1..2"})
	}
	return from, to, nil
}
