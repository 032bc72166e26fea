package roster

import (
	"io"
	"strconv"

	"github.com/candor-dev/candor"
)

// WriteExport writes the customer export that the API and the console
// both serve: a BOM, the header plus possible_duplicate (a delivery sent
// again after a worker crashed, per dups; an import ignores the column),
// then one escaped row per customer that each yields. Once a row is out
// the status is sent, so a failure of each can only cut the file short:
// the last line then says so instead of ending silently, and WriteExport
// returns the error for the caller to log.
func WriteExport(out io.Writer, dups map[string]bool, each func(fn func(candor.Customer) error) error) error {
	w := NewCSVWriter(out)
	w.WriteBOM()
	w.Write(append(CustomerHeader(), "possible_duplicate"))
	rec := make([]string, 0, 16)
	err := each(func(cu candor.Customer) error {
		rec = append(AppendCustomerRecord(rec[:0], cu), strconv.FormatBool(dups[cu.ID]))
		return w.Write(rec)
	})
	if err != nil {
		w.Write([]string{"#error: export incomplete"})
	}
	w.Flush()
	return err
}
