package console

import (
	"strings"

	"github.com/candor-dev/candor/deadline"
)

// The catalogue's words on the deadline board: a duty whose conditions are
// not yet known is "conditional", never overdue (issue 21: the catalogue,
// corrected), and the row says what would decide it.
func init() {
	words(map[string]string{
		"conditional":           "conditional",
		"catalogue_if":          "Applies only if: %s.",
		"catalogue_and":         "; and ",
		"catalogue_or":          " or ",
		"catalogue_cond_other":  "%s is established",
		"catalogue_cond_acq":    "the data were acquired by an unauthorized person, not only accessed (record acquired)",
		"catalogue_cond_risk":   "the breach is assessed as a high risk to individuals (record high_risk)",
		"catalogue_cond_mal":    "a wrongful purpose is suspected (record malicious)",
		"catalogue_cond_notmal": "no wrongful purpose is suspected (record malicious)",
		"catalogue_cond_data":   "the data include what the law covers (record the data categories)",
	}, map[string]string{
		"conditional":           "条件付き",
		"catalogue_if":          "次の場合に限り適用：%s。",
		"catalogue_and":         "、かつ",
		"catalogue_or":          "又は",
		"catalogue_cond_other":  "「%s」が認められること",
		"catalogue_cond_acq":    "データが権限のない者に取得されたこと（閲覧にとどまらない。acquired を記録）",
		"catalogue_cond_risk":   "本人の権利利益を害するおそれが大きいと評価されたこと（high_risk を記録）",
		"catalogue_cond_mal":    "不正の目的のおそれがあること（malicious を記録）",
		"catalogue_cond_notmal": "不正の目的のおそれがないこと（malicious を記録）",
		"catalogue_cond_data":   "漏えいしたデータが当該法の対象となる情報に当たること（データ分類を記録）",
	})
}

// conditionNote says in l what would decide a conditional duty. English
// uses the engine's sentence, which names the data each law covers;
// Japanese names each missing fact.
func conditionNote(l string, o deadline.Obligation) string {
	if len(o.DependsOn) == 0 {
		return ""
	}
	if l == "en" {
		if o.Condition == "" {
			return ""
		}
		return strings.ToUpper(o.Condition[:1]) + o.Condition[1:] + "."
	}
	parts := make([]string, len(o.DependsOn))
	for i, d := range o.DependsOn {
		alts := strings.Split(d, "|")
		for j, a := range alts {
			alts[j] = conditionWord(l, a)
		}
		parts[i] = strings.Join(alts, tr(l, "catalogue_or"))
	}
	return tr(l, "catalogue_if", strings.Join(parts, tr(l, "catalogue_and")))
}

func conditionWord(l, c string) string {
	switch c {
	case deadline.DependsOnData:
		return tr(l, "catalogue_cond_data")
	case deadline.CondAcquired:
		return tr(l, "catalogue_cond_acq")
	case deadline.CondHighRisk:
		return tr(l, "catalogue_cond_risk")
	case deadline.CondMalicious:
		return tr(l, "catalogue_cond_mal")
	case "!" + deadline.CondMalicious:
		return tr(l, "catalogue_cond_notmal")
	}
	return tr(l, "catalogue_cond_other", c)
}
