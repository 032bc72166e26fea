// Package deadline is the legal-deadline engine: from an incident's facts
// (when it was discovered, where its customers live, what data leaked,
// when each country and category entered its scope) and a catalogue of
// rules (package jurisdictions), it works out who must be told, by when,
// and whether each duty was met, late, decided or is still open.
//
// The files follow the engine's steps:
//
//   - rule.go, rule_validate.go: a rule as the catalogue states it (audience,
//     deadline, clock start, thresholds, conditions, source) and its checks;
//   - applicability.go, applicability_data.go: whether a rule applies to the
//     incident's facts, or is conditional on a fact not yet known;
//   - scope.go: when each jurisdiction and data category entered the scope,
//     so each duty's clock starts then and never before discovery;
//   - counting.go: how a deadline is counted (hours, calendar or business
//     days, months) in the incident's zone and the rule's holiday calendar;
//   - engine.go, obligation.go: the obligations and their status;
//   - evidence.go, reach.go, decision.go: what met each duty (sends,
//     letters, substitute notices, filings) and the decisions legal
//     approved about it;
//   - report.go: the assessment the API, console, calendar and evidence
//     bundle show; reminder.go: when to remind whom.
//
// The domain's types (Incident, ScopeChange, Decision, Filing) stay in the
// root package; this package imports it, never the reverse, and neither
// reaches a web framework, queue, mailer or database.
package deadline
