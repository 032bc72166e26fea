package mail

import (
	"bufio"
	"bytes"
	"net/textproto"
	"testing"
)

// dotBytes returns what w makes of data written in pieces of size step.
func dotBytes(t testing.TB, data []byte, step int, ours bool) []byte {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	if ours {
		w = &dotWriter{w: bw}
	} else {
		w = textproto.NewWriter(bw).DotWriter()
	}
	for len(data) > 0 {
		n := min(step, len(data))
		if k, err := w.Write(data[:n]); err != nil || k != n {
			t.Fatalf("wrote %d of %d: %v", k, n, err)
		}
		data = data[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// The message on the wire is byte for byte what net/textproto's DotWriter
// sends, however the message is cut into writes.
func TestDotWriterMatchesTextproto(t *testing.T) {
	for _, data := range []string{
		"",
		"a",
		".",
		"..\r\n.\r\n",
		"Subject: x\r\n\r\n.leading dot\r\nbody\r\n",
		"bare\nline ends\n.dot after bare\n",
		"cr alone\rx\r\r\n\r\n.",
		"ends without a line end",
		"ends in cr\r",
		"\r\n",
		"\n.\n..\n",
		"=E3=81=82=\r\n.=\r\n",
	} {
		want := dotBytes(t, []byte(data), len(data)+1, false)
		for _, step := range []int{1, 2, 3, 7, len(data) + 1} {
			if got := dotBytes(t, []byte(data), step, true); !bytes.Equal(got, want) {
				t.Errorf("%q in writes of %d: %q, textproto sends %q", data, step, got, want)
			}
		}
	}
}

func FuzzDotWriter(f *testing.F) {
	f.Add([]byte("Subject: x\r\n\r\n.a\nb\r\r\n."), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		s := int(step%16) + 1
		want := dotBytes(t, data, len(data)+1, false)
		if got := dotBytes(t, data, s, true); !bytes.Equal(got, want) {
			t.Fatalf("%q in writes of %d: %q, textproto sends %q", data, s, got, want)
		}
	})
}

func BenchmarkDotWriter(b *testing.B) {
	msg := bytes.Repeat([]byte("PGgxPuWAi+S6uuaDheWgseOBrua8j+OBiOOBhOOBruOBiuOBneOCjOOBq+mWouOBmeOCi+OBiuipq+OBs+OBqOOBig==\r\n"), 200)
	for _, impl := range []struct {
		name string
		ours bool
	}{{"textproto", false}, {"candor", true}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				dotBytes(b, msg, 4096, impl.ours)
			}
		})
	}
}
