// Package geo answers Candor's questions about places and languages: whether
// a country code is ISO 3166-1 alpha-2, whether a region is an ISO 3166-2
// subdivision (and of which country), and the canonical form of a BCP 47
// locale. Table implements candor.GeoChecker and Locales implements
// candor.LocaleCanonicalizer.
//
// The ISO 3166 data is a table generated from Debian's iso-codes, which
// follows the ISO 3166 Maintenance Agency's newsletters, and is compiled in
// as constant strings: no files on disk, no start-up parsing, no global
// state. github.com/pariz/gountries was considered first: its data is
// embedded and works without files, but it is years behind ISO (France has
// no 2016 regions such as FR-IDF nor overseas departments such as FR-971,
// China lacks the 2017 codes such as CN-BJ, India has retired codes such as
// IN-CT, New Zealand has a corrupt entry "X1~", the US list carries the
// postal military codes AA/AE/AP), it parses 2 MB of YAML on first use, and
// it panics if that fails. Refusing a customer whose region is valid today
// would leave that person without a notice, so the fresher source won.
package geo

//go:generate go run ./internal/gen -o iso3166_table.go
