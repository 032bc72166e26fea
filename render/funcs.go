package render

import (
	"fmt"
	"strconv"
	"strings"
	texttemplate "text/template"
)

// funcs is the function set of a template in locale l: the documented
// functions (date, number, join, categories), and capped versions of the
// string-building builtins, which otherwise let a template double a string
// in a variable until memory runs out. The capped builtins compute exactly
// what the originals do; html/template relies on `html` and `urlquery`
// escaping as the builtins do.
func funcs(l locale) map[string]any {
	return map[string]any{
		"date":       l.date,
		"datetime":   l.datetime,
		"country":    l.country,
		"number":     l.number,
		"categories": func(codes []string) (string, error) { return capped(l.categories(codes)) },
		"join":       func(sep string, items []string) (string, error) { return capped(strings.Join(items, sep)) },

		"print":    func(args ...any) (string, error) { return capped(fmt.Sprint(args...)) },
		"println":  func(args ...any) (string, error) { return capped(fmt.Sprintln(args...)) },
		"printf":   printf,
		"html":     func(args ...any) (string, error) { return capped(texttemplate.HTMLEscaper(args...)) },
		"js":       func(args ...any) (string, error) { return capped(texttemplate.JSEscaper(args...)) },
		"urlquery": func(args ...any) (string, error) { return capped(texttemplate.URLQueryEscaper(args...)) },

		// Replaced per render by the render's own budget (Template.Execute).
		tickFunc: func() string { return "" },
	}
}

// capped refuses a function result over MaxValue.
func capped(s string) (string, error) {
	if len(s) > MaxValue {
		return "", limitError(fmt.Sprintf("builds a string of more than %s", sizeString(MaxValue)))
	}
	return s, nil
}

// maxWidth bounds printf widths and precisions: %01000000000d would
// allocate a gigabyte before any output limit could see it.
const maxWidth = 200

func printf(format string, args ...any) (string, error) {
	if err := checkFormat(format); err != nil {
		return "", err
	}
	return capped(fmt.Sprintf(format, args...))
}

// checkFormat refuses widths and precisions over maxWidth, and '*', which
// takes them from the arguments.
func checkFormat(f string) error {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
	verb:
		for i++; i < len(f); i++ {
			switch c := f[i]; {
			case c == '*':
				return limitError("'*' widths are not allowed")
			case c >= '0' && c <= '9':
				j := i
				for j < len(f) && f[j] >= '0' && f[j] <= '9' {
					j++
				}
				if n, err := strconv.Atoi(f[i:j]); err != nil || n > maxWidth {
					return limitError(fmt.Sprintf("width or precision %s is over %d", f[i:j], maxWidth))
				}
				i = j - 1
			case strings.IndexByte("+-# .[]", c) >= 0:
			default:
				break verb // the verb letter, or %%
			}
		}
	}
	return nil
}
