package vault

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
)

// ErrKeyFileMode is the error ReadKeyFile returns, wrapped, for a key file
// others may read or write.
var ErrKeyFileMode = errors.New("data key file is open to others")

// maxKeyFile bounds what ReadKeyFile reads: a key is 44 bytes of base64 or
// 64 of hex, with a newline and perhaps an old key or two.
const maxKeyFile = 4096

// ReadKeyFile reads the data key from the file at path (CANDOR_DATA_KEY_FILE).
// It refuses a file whose mode lets its group or anyone else read or write
// it: whoever can read the key can read every customer's personal data in a
// copy of the database, and whoever can write it can make Candor seal new
// data under a key of their own. The mode is checked on the opened file, so
// that a file swapped for another between a check and the read is checked
// itself. `make run` creates the file 0600 (umask 077).
func ReadKeyFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("data key file %s is not a regular file", path)
	}
	// Windows has no Unix permission bits: Go reports 0666 or 0444 there.
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return "", fmt.Errorf("%w: %s has mode %04o (readable or writable by group or others); run `chmod 600 %s`",
			ErrKeyFileMode, path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxKeyFile {
		return "", fmt.Errorf("data key file %s is longer than %d bytes: not a key file", path, maxKeyFile)
	}
	return string(b), nil
}
