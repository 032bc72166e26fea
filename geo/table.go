package geo

// subdivisionWidth is the padded width of one code in subdivisions: ISO
// 3166-2 codes are the alpha-2 country, "-", and 1 to 3 letters or digits.
const subdivisionWidth = 6

// Table implements candor.GeoChecker over the generated ISO 3166 table. Its
// zero value is ready to use and safe for concurrent use: it only reads
// constants, and its answers are substrings of them, so a lookup allocates
// nothing (it sits on the import path, once per row).
type Table struct{}

// Country returns the alpha-2 code matching code in any case, and whether
// ISO 3166-1 assigns it. User-assigned codes (XX, AA, ZZ) and exceptional
// reservations (UK, EU) are not assigned.
func (Table) Country(code string) (string, bool) {
	if len(code) != 2 {
		return "", false
	}
	var key [2]byte
	if !upper(key[:], code) {
		return "", false
	}
	i, ok := search(countries, 2, key[:])
	if !ok {
		return "", false
	}
	return countries[i : i+2], true
}

// Region returns the ISO 3166-2 code matching code in any case ("jp-13" →
// "JP-13"), and whether it is assigned. The owning country is the part
// before the hyphen.
func (Table) Region(code string) (string, bool) {
	n := len(code)
	if n < 4 || n > subdivisionWidth || code[2] != '-' {
		return "", false
	}
	key := [subdivisionWidth]byte{' ', ' ', ' ', ' ', ' ', ' '}
	if !upper(key[:n], code) {
		return "", false
	}
	i, ok := search(subdivisions, subdivisionWidth, key[:])
	if !ok {
		return "", false
	}
	return subdivisions[i : i+n], true
}

// Countries returns every ISO 3166-1 alpha-2 code, sorted.
func (Table) Countries() []string {
	out := make([]string, 0, len(countries)/2)
	for i := 0; i < len(countries); i += 2 {
		out = append(out, countries[i:i+2])
	}
	return out
}

// Regions returns the ISO 3166-2 codes of one country, sorted; none for a
// country without subdivisions or an unknown code.
func (t Table) Regions(country string) []string {
	cc, ok := t.Country(country)
	if !ok {
		return nil
	}
	var out []string
	for i := 0; i < len(subdivisions); i += subdivisionWidth {
		if subdivisions[i:i+2] == cc {
			code := subdivisions[i : i+subdivisionWidth]
			for code[len(code)-1] == ' ' {
				code = code[:len(code)-1]
			}
			out = append(out, code)
		}
	}
	return out
}

// upper copies src into dst upper-casing ASCII letters; it reports false for
// any byte that cannot appear in a code.
func upper(dst []byte, src string) bool {
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
		default:
			return false
		}
		dst[i] = c
	}
	return true
}

// search finds key in table, a sorted run of width-byte records, and
// returns its byte offset.
func search(table string, width int, key []byte) (int, bool) {
	lo, hi := 0, len(table)/width
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if table[mid*width:mid*width+width] < string(key) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(table)/width && table[lo*width:lo*width+width] == string(key) {
		return lo * width, true
	}
	return 0, false
}
