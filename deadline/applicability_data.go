package deadline

import (
	"slices"
	"strings"

	"github.com/candor-dev/candor"
)

// DependsOnData is the DependsOn entry of a duty whose Rule.Data cannot be
// decided yet: the incident records no data categories, or only ones that
// might hold what the law names (an account number, its code unknown).
const DependsOnData = "data_categories"

// maybeIncludes says which categories a recorded category might hold
// without saying so: a card number may have leaked with its security code,
// and "other" may be anything. A combination missing only such categories
// is undecided, not false: the duty is listed as conditional.
var maybeIncludes = map[string][]string{
	candor.CategoryFinancialAccount: {candor.CategoryAccountWithCode},
	candor.CategoryPaymentCard:      {candor.CategoryAccountWithCode},
}

// data decides a rule's data combinations (Rule.Data) and says which
// combination matched.
func (f facts) data(combos [][]string) (truth, string) {
	if len(f.cats) == 0 {
		return unknown, ""
	}
	result := no
	for _, combo := range combos {
		complete, undecided := true, true
		for _, item := range combo {
			if f.hasData(item) {
				continue
			}
			complete = false
			if !f.mayHaveData(item) {
				undecided = false
			}
		}
		if complete {
			return yes, "data include " + describeCombo(combo)
		}
		if undecided {
			result = unknown
		}
	}
	return result, ""
}

func (f facts) hasData(item string) bool {
	if dataCondition(item) {
		return f.categories[item]
	}
	return f.cats[item]
}

func (f facts) mayHaveData(item string) bool {
	if f.cats[candor.CategoryOther] {
		return true
	}
	for c := range f.cats {
		if slices.Contains(maybeIncludes[c], item) {
			return true
		}
	}
	return false
}

// dataWords are the categories as a notice's reader would name them.
var dataWords = map[string]string{
	candor.CategoryName:             "a name",
	candor.CategoryNationalID:       "a national ID or Social Security number",
	candor.CategoryDriversLicence:   "a driver's licence or ID card number",
	candor.CategoryPassport:         "a passport number",
	candor.CategoryAccountWithCode:  "an account or card number with its code or password",
	candor.CategoryFinancialAccount: "a financial account number",
	candor.CategoryPaymentCard:      "a payment card number",
	candor.CategoryCredentials:      "a username or e-mail address with its password",
	candor.CategoryHealth:           "health information",
	candor.CategoryBiometric:        "biometric data",
	candor.CategoryDateOfBirth:      "a date of birth",
	CondSensitiveData:               "sensitive data",
	CondHealthData:                  "health data",
	CondFinancialData:               "financial data",
}

func dataWord(item string) string {
	if w, ok := dataWords[item]; ok {
		return w
	}
	return strings.ReplaceAll(item, "_", " ")
}

func describeCombo(combo []string) string {
	words := make([]string, len(combo))
	for i, c := range combo {
		words[i] = dataWord(c)
	}
	return strings.Join(words, " with ")
}

// DescribeData renders Rule.Data for people: "a name with a Social
// Security number or a passport number; or a username or e-mail address
// with its password". Combinations of a name and one more item are
// gathered, as the statutes write them.
func DescribeData(combos [][]string) string {
	var withName, others []string
	for _, combo := range combos {
		if len(combo) == 2 && combo[0] == candor.CategoryName {
			withName = append(withName, dataWord(combo[1]))
			continue
		}
		others = append(others, describeCombo(combo))
	}
	var parts []string
	if len(withName) > 0 {
		parts = append(parts, dataWord(candor.CategoryName)+" with "+orList(withName))
	}
	parts = append(parts, others...)
	return strings.Join(parts, "; or ")
}

// orList joins "a, b or c".
func orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// conditionWords says what each undecided condition waits on.
func conditionWords(c string, r Rule) string {
	switch c {
	case DependsOnData:
		return "the data include " + DescribeData(r.Data) + " (the incident's data categories decide it; " +
			"a card or account number counts only with its code: account_with_code)"
	case CondAcquired:
		return "the data were acquired by an unauthorized person, not only accessed"
	case CondHighRisk:
		return "the breach is assessed as high risk to individuals (the law's harm test)"
	case CondMalicious:
		return "the breach is malicious (a wrongful purpose is suspected)"
	case "!" + CondMalicious:
		return "the breach is not malicious"
	}
	if alts := strings.Split(c, "|"); len(alts) > 1 { // a threshold's alternatives
		words := make([]string, len(alts))
		for i, a := range alts {
			words[i] = conditionWords(a, r)
		}
		return orList(words)
	}
	return describeCondition(c)
}

// ConditionText says in words what would decide a conditional duty: what
// must hold for it to apply. Empty when nothing is undecided.
func ConditionText(r Rule, dependsOn []string) string {
	if len(dependsOn) == 0 {
		return ""
	}
	words := make([]string, len(dependsOn))
	for i, c := range dependsOn {
		words[i] = conditionWords(c, r)
	}
	return "applies only if " + strings.Join(words, "; and ")
}
