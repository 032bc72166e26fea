package render

import (
	"context"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/templates"
)

// TestExecuteNoticeReference checks that each notice shows its own
// reference, in every shipped language, though the parts around it are
// rendered once for all recipients; and that a memoised part never carries
// one recipient's reference to the next.
func TestExecuteNoticeReference(t *testing.T) {
	variants, _ := templates.Defaults(candor.KindCustomerNotice)
	for _, loc := range []string{"en", "ja", "th", "id", "fil"} {
		t.Run(loc, func(t *testing.T) {
			tpl, err := Compile(loc, variants[loc])
			if err != nil {
				t.Fatal(err)
			}
			base := testData()
			base.Notice.CheckURL = "https://example.com/notices/check"
			b := tpl.Bind(base)
			refs := []string{"K7QM4-XR2TD-9HWPA", "23456-789AB-CDEFG", ""}
			for _, ref := range refs {
				r, err := b.ExecuteNotice(context.Background(), base.Customer, ref)
				if err != nil {
					t.Fatal(err)
				}
				want := ref
				if ref == "" {
					want = base.Notice.Reference // the incident's
				}
				for _, part := range []string{r.HTML, r.Text} {
					if !strings.Contains(part, want) {
						t.Errorf("reference %q: missing from %.200q", want, part)
					}
					for _, other := range refs {
						if other != "" && other != ref && strings.Contains(part, other) {
							t.Errorf("reference %q: the message also shows %q", want, other)
						}
					}
				}
				if !strings.Contains(r.HTML, "https://example.com/notices/check") {
					t.Errorf("the lookup page's address is missing")
				}
			}
		})
	}
}
