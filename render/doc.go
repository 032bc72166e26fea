// Package render turns a disclosure variant into the message a recipient
// gets: a one-line subject, HTML, and a plain-text part that is never empty.
//
// # Templates
//
// A variant (candor.Variant) has three templates:
//
//   - Subject: text/template; the result is folded onto one line (any line
//     break or control character from data becomes a space).
//   - Body: html/template; values are escaped for their HTML context.
//   - Text: optional text/template for the plain-text part. Without it the
//     text is derived from the rendered HTML (github.com/k3a/html2text):
//     headings, paragraphs and lists survive, links become
//     "text <https://…>"; tables do not survive well.
//
// Missing keys are errors, and so is a field that does not exist
// ({{.Customer.Nope}}): a typo must fail at submit, not print nothing.
//
// # Data
//
// Dot is a Data (see its fields for the details):
//
//	.Customer   .Name .Email .Country .Region .Locale .DataCategories
//	.Incident   .Title .Summary .DiscoveredAt .OccurredFrom .OccurredTo
//	            .Severity .DataCategories .Affected
//	            .Events (public timeline only): .Date .DateOnly .Description
//	.Org        .Name .ContactEmail .ContactPhone .WebsiteURL
//	.Statement  .URL
//
// Every field is always present; unknown values are zero (empty string,
// empty list, zero time, 0), so templates test them with {{if}} or {{with}}.
// A customer may have no name, no email (a postal letter), no country and
// no data categories of their own (use the incident's then). OccurredFrom,
// OccurredTo and Affected are extensions beyond the API document, for
// regulator reports; Affected is an approximate count of people, 0 when
// not yet known. Regulator reports and public statements are rendered with
// an empty .Customer.
//
// # Functions
//
// Formatting follows the variant's locale (its key in the disclosure), not
// the customer's:
//
//	date T          long date of a time.Time in its own location; "" for the zero time
//	                en 11 June 2020 · en-US June 11, 2020 · ja 2020年6月11日
//	                th 11 มิถุนายน พ.ศ. 2563 (Buddhist Era; th-u-ca-gregory: ค.ศ. 2020)
//	                id 11 Juni 2020 · fil Hunyo 11, 2020 · anything else as en
//	number N        26,000 (id: 26.000)
//	categories L    data-category codes as a localised list:
//	                en "name, email address and postal address" · ja "氏名、メールアドレス、住所"
//	                id "…, dan …" · fil "…, at …" · th "… และ…"; codes in DataCategories(),
//	                unknown codes shown as written
//	join SEP L      strings.Join(L, SEP); SEP first so that {{.X | join ", "}} works
//
// The builtins are there too; print, printf, println, html, js and urlquery
// refuse to build strings over MaxValue, and printf refuses widths over 200.
//
// # Limits
//
// A template source is at most candor.MaxTemplateSize (subject:
// candor.MaxSubjectSize). A render stops with ETOOLARGE past MaxOutput bytes
// of output, MaxSteps loop iterations and template calls, or MaxRenderTime.
// Recursive template calls, calls to undefined templates, and time Format
// with a computed layout are refused when compiling (EINVALID). Errors name
// the field as the API does ("variants.ja.body") and the place:
// "line 3, col 7: …" (columns in characters; for syntax errors the column
// is the start of the offending action, found by re-parsing).
//
// # Use
//
// Create and edit call CheckSyntax; submit calls Check, which renders every
// variant for sample customers; preview and send call PickVariant and then
// Render (or Compile once and Execute per recipient).
package render
