package render

import (
	"context"
	"strings"
	"testing"
)

// TestTextKeepsBrackets: a '<' or '>' that is text in the HTML is text in
// the plain-text part. html2text alone read a bare '>' as the end of a tag
// ("3>2" became "32") and a bare '<' as the start of one.
func TestTextKeepsBrackets(t *testing.T) {
	for _, c := range []struct{ name, html, want string }{
		{"bare gt", `<p>3>2</p>`, "3>2"},
		{"escaped gt", `<p>3&gt;2</p>`, "3>2"},
		{"bare gt after a heading", `<h2>A>0</h2><p>x</p>`, "A>0\n\nx"},
		{"bare lt", `<p>1 < 2</p><p>x</p>`, "1 < 2\n\nx"},
		{"lt before a digit", `<p>a<2</p>`, "a<2"},
		{"lt at the end", `<p>x</p><`, "x\n\n<"},
		{"both", `<p>a < b and c > d</p>`, "a < b and c > d"},
		{"gt in a link's text", `<p><a href="https://x.example/">A>0</a> and <a href="https://y.example/">y</a></p>`,
			"A>0 <https://x.example/> and y <https://y.example/>"},
		{"gt in a quoted attribute", `<p>see <a title="a>b" href="https://x.example/">x</a> > y</p>`, "see x <https://x.example/> > y"},
		{"lt in a quoted attribute", `<p><a title='a<b' href="https://x.example/">x</a></p>`, "x <https://x.example/>"},
		{"comment with brackets", `<!-- a > b < c --><p>c</p>`, "c"},
		{"style keeps its selectors", `<style>ul > li { color: red }</style><p>3>2</p>`, "3>2"},
		{"script hidden", `<SCRIPT>if (a<b && c>d) {}</SCRIPT><p>ok</p>`, "ok"},
		{"tags stay tags", `<p>Dear <b>Ann</b>,</p><ul><li>one</li></ul>`, "Dear Ann,\n\n- one"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := htmlToText(c.html); got != c.want {
				t.Errorf("htmlToText(%q) = %q, want %q", c.html, got, c.want)
			}
		})
	}
}

// TestEscapeStrayBracketsNoCopy: HTML with nothing to rewrite is returned
// as it is, so the usual message costs a scan and nothing more.
func TestEscapeStrayBracketsNoCopy(t *testing.T) {
	h := `<p class="a">Dear <b>Ann</b> &amp; co</p><!-- x --><a href="https://x.example/">x</a>`
	if got := escapeStrayBrackets(h); got != h {
		t.Fatalf("rewrote %q to %q", h, got)
	}
	if n := testing.AllocsPerRun(100, func() { escapeStrayBrackets(h) }); n != 0 {
		t.Fatalf("%v allocations for HTML with nothing to rewrite", n)
	}
}

// TestPreviewAndSendTextAgreeOnBrackets renders each template as a preview
// does (render.Render: compiled and bound afresh for one customer) and as
// a send does (one Bound for every recipient, in turn): the text parts are
// the same, exactly, and keep the brackets.
func TestPreviewAndSendTextAgreeOnBrackets(t *testing.T) {
	bodies := map[string]string{
		"shared part":          `<p>A>0 and 3>2</p><p>Dear {{.Customer.Name}}</p>`,
		"line with a value":    `<p>A>0, {{.Customer.Name}}</p>`,
		"value then bracket":   `<p>{{.Customer.Name}} A>0</p><p>1 < 2</p>`,
		"customer's own part":  `<h2>Hi</h2>{{if .Customer.Name}}<p>A>0 {{.Customer.Name}}</p>{{end}}<p>x>y</p>`,
		"heading":              `<h2>A>0 {{.Customer.Name}}</h2><p>{{.Incident.Title}}</p>`,
		"links":                `<p><a href="{{.Statement.URL}}">A>0</a> {{.Customer.Name}}</p><p>Write to <a href="mailto:{{.Org.ContactEmail}}">{{.Org.ContactEmail}}</a> 3>2</p>`,
		"lt opens no link":     `<p>a < b {{.Customer.Email}}</p><p>Write to <a href="mailto:{{.Customer.Email}}">{{.Customer.Email}}</a> A>0</p>`,
		"attribute and script": `<p title="x>y">A>0 {{.Customer.Name}}</p><script>if (1<2) {}</script><p>done</p>`,
	}
	base := testData()
	base.Incident.Title = "A>0 <b>"
	customers := bindCustomers()
	customers = append(customers, CustomerView{Name: "A>0", Email: "a@example.com", Country: "JP"},
		CustomerView{Name: "1 < 2", Email: "b@example.com", Country: "JP"})
	for name, b := range bodies {
		t.Run(name, func(t *testing.T) {
			tpl, err := Compile("en", body(b))
			if err != nil {
				t.Fatal(err)
			}
			send := tpl.Bind(base)
			for round := range 2 {
				for i, cu := range customers {
					data := base
					data.Customer = cu
					preview, err := Render(context.Background(), body(b), "en", data)
					if err != nil {
						t.Fatal(err)
					}
					sent, err := send.Execute(context.Background(), cu)
					if err != nil {
						t.Fatal(err)
					}
					if sent.Text != preview.Text || sent.HTML != preview.HTML {
						t.Fatalf("round %d customer %d: send text\n%q\npreview text\n%q", round, i, sent.Text, preview.Text)
					}
					if !strings.Contains(sent.Text, ">") {
						t.Fatalf("customer %d: text lost its '>': %q", i, sent.Text)
					}
				}
			}
		})
	}
}
