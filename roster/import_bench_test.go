package roster_test

import (
	"bufio"
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/vault"
)

// BenchmarkImportPipeline streams a generated CSV through the CPU half of an
// import: read, validate and normalise, encrypt name, email and postal
// address, hash the email. The database half is the store's benchmark. The
// file is generated on the fly through an io.Pipe, so memory shows the
// pipeline's, not the file's; peak-heap-MB should not grow with rows.
// cpu-ns/row (generator included) is the figure to trust on a busy machine.
//
//	go test ./roster -run XXX -bench ImportPipeline -benchtime 1x
func BenchmarkImportPipeline(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			kr, err := vault.ParseKeyring(hexKey, "")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var peak uint64
			cpu0 := cpuTime()
			for b.Loop() {
				accepted, rejected, p := importOnce(b, n, kr)
				if accepted+rejected != n || rejected != n/100 {
					b.Fatalf("accepted %d, rejected %d of %d", accepted, rejected, n)
				}
				peak = max(peak, p)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			// CPU time includes the generator's, so it overstates the import.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(n*b.N), "cpu-ns/row")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

const hexKey = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"

func importOnce(b *testing.B, n int, kr *vault.Keyring) (accepted, rejected int, peak uint64) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(generateCSV(pw, n)) }()
	defer pr.Close()
	r, err := roster.NewCSVReader(pr, roster.Options{})
	if err != nil {
		b.Fatal(err)
	}
	geo, loc := geoTable(), locales()
	var ms runtime.MemStats
	for i := 0; ; i++ {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		c, errs := row.Normalize(geo, loc)
		if len(errs) > 0 {
			rejected++
			continue
		}
		for _, s := range []string{c.Name, c.Email, c.PostalAddress} {
			if _, err := kr.Encrypt(s); err != nil {
				b.Fatal(err)
			}
		}
		if c.Email != "" {
			kr.EmailHash(c.Email)
		}
		accepted++
		if i%100_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	return accepted, rejected, peak
}

// generateCSV writes a header and n rows shaped like a CRM export: mixed
// countries, regions and locales, a quoted two-line address on every tenth
// row, a postal-only customer every fiftieth, and 1% bad emails.
func generateCSV(w io.Writer, n int) error {
	places := [][3]string{
		{"US", "US-CA", "en-US"}, {"jp", "JP-13", "ja"}, {"FR", "fr-idf", "fr"},
		{"GB", "GB-ENG", "en-GB"}, {"DE", "DE-BE", "de"}, {"US", "NY", "en"},
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("External ID,Name,Email,Country,Region,Locale,Data Categories,postal_address,crm_notes\r\n")
	var line []byte
	for i := range n {
		p := places[i%len(places)]
		line = strconv.AppendInt(append(line[:0], "crm-"...), int64(i), 10)
		line = strconv.AppendInt(append(line, ",Customer Number "...), int64(i), 10)
		line = append(line, ',')
		switch {
		case i%100 == 99:
			line = append(line, "broken@nodot"...)
		case i%50 == 1:
			// postal only
		default:
			line = strconv.AppendInt(append(line, "Customer."...), int64(i), 10)
			line = strconv.AppendInt(append(line, "@Mail"...), int64(i%97), 10)
			line = append(line, ".example.com"...)
		}
		line = append(line, ',')
		line = append(line, p[0]...)
		line = append(line, ',')
		line = append(line, p[1]...)
		line = append(line, ',')
		line = append(line, p[2]...)
		line = append(line, ",email;name;Date of Birth,"...)
		if i%10 == 0 {
			line = strconv.AppendInt(append(line, "\""...), int64(i), 10)
			line = append(line, " Main Street\r\nSpringfield\""...)
		}
		line = append(line, ",imported 2026-11-01\r\n"...)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
