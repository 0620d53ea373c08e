package builder

import (
	"bufio"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLPMatchesBruteForce hands the written model to CBC, when it is
// installed (Debian coinor-cbc), and checks its optimum against the brute
// force: the model the benchmark measures against is the builder's model.
func TestLPMatchesBruteForce(t *testing.T) {
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		t.Skip("cbc is not installed (apt-get install coinor-cbc); the model is not cross-checked")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	dir := t.TempDir()
	for i := 0; i < 25; i++ {
		in := randomSmall(rng)
		want := bruteBest(in)
		lp, sol := filepath.Join(dir, "m.lp"), filepath.Join(dir, "m.sol")
		f, _ := os.Create(lp)
		if err := WriteLP(f, in, "s"); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if out, err := exec.Command(cbc, lp, "solve", "solution", sol).CombinedOutput(); err != nil {
			t.Fatalf("cbc: %v\n%s", err, out)
		}
		got := readObjective(t, sol)
		wantW := int64(want.Met)*W1 + int64(want.Continuity)*W2 + int64(want.Preference)*W3
		if got != wantW {
			b, _ := os.ReadFile(lp)
			t.Fatalf("instance %d: CBC objective %d, brute force %d (%+v)\n%s", i, got, wantW, want, b)
		}
	}
}

func readObjective(t *testing.T, path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	line := sc.Text()
	if !strings.HasPrefix(line, "Optimal") {
		t.Fatalf("cbc: %s", line)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(line[strings.LastIndex(line, " "):]), 64)
	if err != nil {
		t.Fatalf("cbc objective in %q: %v", line, err)
	}
	if v < 0 {
		v = -v
	}
	return int64(v + 0.5)
}
