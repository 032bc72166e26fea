package candor

// Authority is a regulator that breach reports go to: its name, the
// language it works in (a regulator report to it uses that variant), and
// how it takes filings. Sources: notice-requirements in the design notes;
// each authority's own site names its form.
type Authority struct {
	Name     string `json:"name"`       // in English
	Local    string `json:"local_name"` // in its own language; "" when that is English
	Language string `json:"language"`   // language key of its filings: "ja", "th", "en"
	// Portal is true when the authority takes breach reports through its
	// own web form, so an e-mailed report is the text for that form, not
	// the filing itself.
	Portal bool `json:"portal"`
}

// authorities by catalogue code. EU stands for the lead supervisory
// authority of the EEA country concerned; its language is the report's
// default, English, until the variant for that country (en@DE, de@DE) says
// otherwise.
var authorities = map[string]Authority{
	"JP":       {Name: "Personal Information Protection Commission", Local: "個人情報保護委員会", Language: "ja", Portal: true},
	"TH":       {Name: "Personal Data Protection Committee", Local: "สำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล", Language: "th"},
	"ID":       {Name: "Ministry of Communication and Digital Affairs", Local: "Kementerian Komunikasi dan Digital", Language: "id"},
	"PH":       {Name: "National Privacy Commission", Language: "en", Portal: true},
	"SG":       {Name: "Personal Data Protection Commission", Language: "en", Portal: true},
	"EU":       {Name: "the competent supervisory authority", Language: "en"},
	"GB":       {Name: "Information Commissioner's Office", Language: "en", Portal: true},
	"AU":       {Name: "Office of the Australian Information Commissioner", Language: "en", Portal: true},
	"CA":       {Name: "Office of the Privacy Commissioner of Canada", Language: "en", Portal: true},
	"US-CA":    {Name: "California Attorney General", Language: "en", Portal: true},
	"US-NY":    {Name: "New York State Attorney General", Language: "en", Portal: true},
	"US-TX":    {Name: "Texas Attorney General", Language: "en", Portal: true},
	"US-FL":    {Name: "Florida Department of Legal Affairs", Language: "en"},
	"US-WA":    {Name: "Washington State Attorney General", Language: "en", Portal: true},
	"US-CO":    {Name: "Colorado Attorney General", Language: "en", Portal: true},
	"US-MA":    {Name: "Massachusetts Attorney General", Language: "en", Portal: true},
	"US-HIPAA": {Name: "U.S. Department of Health and Human Services", Language: "en", Portal: true},
	"US-SEC":   {Name: "U.S. Securities and Exchange Commission", Language: "en", Portal: true},
}

// KnownAuthority returns the authority of a catalogue code, if the
// catalogue names one.
func KnownAuthority(code string) (Authority, bool) {
	a, ok := authorities[code]
	return a, ok
}

// AuthorityOf returns the authority of a jurisdiction code; an unknown code
// gives a generic English one, so a report can always be addressed.
func AuthorityOf(code string) Authority {
	if a, ok := KnownAuthority(code); ok {
		return a
	}
	if IsEEA(code) {
		return authorities["EU"]
	}
	return Authority{Name: "the data protection authority", Language: "en"}
}

// NameIn is the authority's name for a report in language lang: its own
// name in its own language, else the English one.
func (a Authority) NameIn(lang string) string {
	if a.Local != "" && lang == a.Language {
		return a.Local
	}
	return a.Name
}
