// Package synth makes synthetic affected customers for the demo and the
// benchmarks: plausible names, example.com-style addresses (reserved for
// documentation, so nothing is ever delivered to a real person), and the
// countries, regions and languages of the seed case.
package synth

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

type place struct {
	country, locale string
	regions         []string
	given, family   []string
	domain          string
	weight          int
}

var places = []place{
	{"JP", "ja", []string{"JP-13", "JP-27", "JP-28", ""}, []string{"Hanako", "Taro", "Yui", "Haruto", "Sakura"}, []string{"Yamada", "Sato", "Suzuki", "Takahashi", "Tanaka"}, "example.jp", 40},
	{"TH", "th", []string{"TH-10", ""}, []string{"Somchai", "Malee", "Niran", "Ploy"}, []string{"Srisuk", "Chaiyaporn", "Wongsa"}, "example.co.th", 15},
	{"ID", "id", []string{"ID-JK", ""}, []string{"Budi", "Siti", "Agus", "Dewi"}, []string{"Santoso", "Wijaya", "Kusuma"}, "example.co.id", 15},
	{"PH", "fil", []string{"PH-00", ""}, []string{"Jose", "Maria", "Juan", "Ana"}, []string{"Santos", "Reyes", "Cruz"}, "example.ph", 10},
	{"US", "en", []string{"US-CA", "US-NY", "US-TX", "US-WA", "US-FL"}, []string{"James", "Mary", "Robert", "Linda"}, []string{"Smith", "Johnson", "Garcia"}, "example.com", 20},
}

// Header is the CSV header WriteCSV writes.
const Header = "external_id,name,email,postal_address,country,region,locale,data_categories\n"

// WriteCSV writes n customers as CSV. Every 50th customer has no email (a
// postal customer). The same seed gives the same file.
func WriteCSV(w io.Writer, n int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, p := range places {
		total += p.weight
	}
	var sb strings.Builder
	sb.WriteString(Header)
	for i := range n {
		r := rng.IntN(total)
		p := places[0]
		for _, q := range places {
			if r < q.weight {
				p = q
				break
			}
			r -= q.weight
		}
		given, family := p.given[rng.IntN(len(p.given))], p.family[rng.IntN(len(p.family))]
		email, postal := fmt.Sprintf("%s.%s.%d@%s", strings.ToLower(given), strings.ToLower(family), i, p.domain), ""
		if i%50 == 49 {
			email, postal = "", fmt.Sprintf("\"%d Example Street\n%s\"", i, p.country)
		}
		fmt.Fprintf(&sb, "C%07d,%s %s,%s,%s,%s,%s,%s,name;email\n", i, given, family, email, postal, p.country,
			p.regions[rng.IntN(len(p.regions))], p.locale)
		if sb.Len() > 64<<10 {
			if _, err := io.WriteString(w, sb.String()); err != nil {
				return err
			}
			sb.Reset()
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
