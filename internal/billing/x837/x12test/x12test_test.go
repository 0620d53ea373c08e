package x12test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing, so
// that the test can check Parse refuses a broken interchange.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	failed  []string
	skipped string
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failed) > 0
}

// parse runs Parse with a recorder in its own goroutine, as Fatalf ends it.
func parse(t *testing.T, edi []byte) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Parse(r, edi)
	}()
	<-done
	if r.skipped != "" {
		t.Skip(r.skipped)
	}
	return r.failed
}

func golden(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "small.837"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseAcceptsGolden(t *testing.T) {
	segs := Parse(t, []byte(golden(t)))
	if segs[0].ID != "ISA" || segs[len(segs)-1].ID != "IEA" {
		t.Errorf("segments %v ... %v", segs[0], segs[len(segs)-1])
	}
	clm := segs[0]
	for _, s := range segs {
		if s.ID == "SV1" {
			clm = s
		}
	}
	if clm.C(1, 2) != "H0015" || clm.C(1, 4) != "HQ" || clm.C(1, 5) != "" || clm.E(99) != "" {
		t.Errorf("SV1 components of %s", clm)
	}
}

func TestParseRefusesBroken(t *testing.T) {
	g := golden(t)
	for _, c := range []struct{ name, old, new, want string }{
		{"SE count", "SE*25*0001~", "SE*24*0001~", "SE01"},
		{"SE control number", "SE*25*0001~", "SE*25*0002~", "SE02"},
		{"GE count", "GE*1*1~", "GE*2*1~", "GE01"},
		{"GE control number", "GE*1*1~", "GE*1*2~", "GE02"},
		{"IEA count", "IEA*1*000000001~", "IEA*2*000000001~", "IEA01"},
		{"IEA control number", "IEA*1*000000001~", "IEA*1*000000002~", "IEA02"},
		{"ISA width", "*ZZ*HRIOP01        *", "*ZZ*HRIOP01       *", "ISA"},
		{"ISA13 width", "*00501*000000001*", "*00501*00000001X*", "ISA"},
		{"HL parent", "HL*2*1*22*0~", "HL*2*3*22*0~", "parent"},
		{"HL child code", "HL*1**20*1~", "HL*1**20*0~", "HL04"},
		{"HL numbering", "HL*2*1*22*0~", "HL*3*1*22*0~", "HL01"},
		{"segment outside transaction", "GE*1*1~", "LX*9~\nGE*1*1~", "outside"},
		{"missing SE", "SE*25*0001~\n", "", "SE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(g, c.old) {
				t.Fatalf("golden has no %q", c.old)
			}
			failed := parse(t, []byte(strings.Replace(g, c.old, c.new, 1)))
			t.Logf("refused: %q", failed)
			if len(failed) == 0 {
				t.Fatalf("accepted")
			}
			if !strings.Contains(strings.Join(failed, "\n"), c.want) {
				t.Errorf("failures %q, want one naming %q", failed, c.want)
			}
		})
	}
}

func TestCheckWithoutNode(t *testing.T) {
	if errs := Check([]byte("GS*HC~"), nil); len(errs) == 0 {
		t.Error("Check accepted text without ISA")
	}
}
