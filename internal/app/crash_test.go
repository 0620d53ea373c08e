package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/platform/submission"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/testutil"
)

var servingAt = regexp.MustCompile(`is serving .* at (http://\S+)`)

// buildIOP builds the iop binary once for the crash harness.
var buildIOP = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "iop-crash-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "iop")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/iop").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// startProcess runs `iop serve` as a separate process and returns its URL.
func startProcess(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingAt.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the server did not start within 60s")
	}
	return nil, ""
}

// TestCrashConsistency is the crash harness: the real server takes
// consents from several writers at once and is killed with SIGKILL at a
// random moment; after a restart every consent it acknowledged (303) is
// there exactly once, SQLite's integrity check is clean and the audit
// chain verifies. Each form carries its submission key, and every
// submission left without an answer by a kill is sent again, with the same
// key, after the restart, as a browser retrying would: those must not save
// twice. IOP_CRASH_ROUNDS sets the rounds (3 by default; the bench command
// runs 100).
func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real server")
	}
	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("IOP_CRASH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	bin, err := buildIOP()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			args := dbArgs(t, e)
			seed, base := startProcess(t, bin, append([]string{"--demo", "--demo-clients", "8"}, args...)...)
			clientID := firstClient(t, base)
			_ = seed.Process.Signal(syscall.SIGTERM)
			_ = seed.Wait()
			acked := map[string]bool{}
			unanswered := map[string]string{} // recipient -> the key its submission was sent with
			retried := 0
			var mu sync.Mutex
			retry := func(base string) {
				c := signedIn(t, base)
				for name, key := range unanswered {
					retried++
					if postConsent(context.Background(), c, base, clientID, name, key) {
						acked[name] = true
						delete(unanswered, name)
					}
				}
			}
			for round := range rounds {
				cmd, base := startProcess(t, bin, args...)
				retry(base)
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				browsers := make([]*http.Client, 4)
				for i := range browsers {
					browsers[i] = signedIn(t, base) // before the clock starts: a sign-in is slow by design
				}
				for w, c := range browsers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for n := 0; ctx.Err() == nil; n++ {
							name, key := fmt.Sprintf("Crash %d-%d-%d", round, w, n), submission.NewKey()
							ok := postConsent(ctx, c, base, clientID, name, key)
							mu.Lock()
							if ok {
								acked[name] = true
							} else {
								unanswered[name] = key
							}
							mu.Unlock()
						}
					}()
				}
				time.Sleep(time.Duration(150+rand.IntN(600)) * time.Millisecond)
				_ = cmd.Process.Signal(syscall.SIGKILL) // no chance to flush or close anything
				_ = cmd.Wait()
				cancel()
				wg.Wait()
			}
			// Restart once more, as an operator would, send what is still unanswered, and stop it cleanly.
			cmd, base := startProcess(t, bin, args...)
			retry(base)
			_ = cmd.Process.Signal(syscall.SIGTERM)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("the restarted server did not stop cleanly: %v", err)
			}
			db, err := store.Open(context.Background(), store.Options{DataDir: args[1], DatabaseURL: map[bool]string{true: args[1]}[e == store.Postgres], MustExist: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			list, err := db.Consents(context.Background(), clientID)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, k := range list {
				seen[k.Recipient.Name]++
			}
			lost, dup := 0, 0
			for name := range acked {
				if seen[name] == 0 {
					lost++
				}
			}
			for _, n := range seen {
				if n > 1 {
					dup++
				}
			}
			integrity := "not-applicable" // PostgreSQL checks its own pages; the chain and the rows are checked below
			if e == store.SQLite {
				integrity = "ok"
				if err := store.CheckSQLiteFile(context.Background(), filepath.Join(args[1], store.FileName)); err != nil {
					integrity = err.Error()
				}
			}
			out, _, verr := iop(t, "", append([]string{"audit", "verify"}, args...)...)
			chain := "valid"
			if verr != nil || !strings.Contains(out, "intact") {
				chain = fmt.Sprintf("BROKEN: %v %s", verr, out)
			}
			t.Logf("crash-consistency: engine=%s rounds=%d acknowledged=%d resent_with_key=%d lost=%d duplicates=%d integrity=%s audit_chain=%s",
				e, rounds, len(acked), retried, lost, dup, integrity, chain)
			if len(acked) == 0 || lost != 0 || dup != 0 || integrity != "ok" && integrity != "not-applicable" || chain != "valid" {
				t.Fatalf("acknowledged=%d lost=%d duplicates=%d integrity=%s audit_chain=%s", len(acked), lost, dup, integrity, chain)
			}
		})
	}
}

func firstClient(t *testing.T, base string) string {
	t.Helper()
	c := signedIn(t, base)
	resp, err := c.Get(base + "/clients?status=active")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`href="/clients/([0-9a-f-]{36})"`).FindStringSubmatch(string(body))
	if m == nil {
		t.Fatal("no client listed")
	}
	return m[1]
}

// signedIn is a browser signed in as the demo admissions worker, who
// records consents.
func signedIn(t *testing.T, base string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"email": {"admissions@demo.openiop.org"}, "password": {demo.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return c
}

// postConsent records a consent and reports whether the server
// acknowledged it.
func postConsent(ctx context.Context, c *http.Client, base, clientID, recipient, key string) bool {
	form := url.Values{submission.Field: {key}, "recipient_kind": {consent.RecipientOrganization}, "recipient_name": {recipient}, "purpose": {"treatment"},
		"categories": {consent.CatEnrollment}, "expiry": {"end_of_treatment"}, "signer_name": {"Client"}, "signer_authority": {"client"},
		"signed_on": {"2026-01-05"}, "statements_given": {"yes"}}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/clients/"+clientID+"/consents", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusSeeOther
}
