package config_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openiop/openiop/internal/config"
)

// env returns a getenv reading from m, as app.Run is handed os.Getenv.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func parse(t *testing.T, args []string, vars map[string]string) config.Config {
	t.Helper()
	c, err := config.ParseServe(args, env(vars), io.Discard)
	if err != nil {
		t.Fatalf("ParseServe(%q, %v): %v", args, vars, err)
	}
	return c
}

// TestParseServeDefaults: with nothing set, the server listens on loopback
// only, keeps SQLite under ./data, derives its public URL from the address,
// and uses the HIPAA automatic-logoff session defaults (15 min idle, 12 h).
func TestParseServeDefaults(t *testing.T) {
	c := parse(t, nil, nil)
	want := config.Config{
		Database:        config.Database{DataDir: "data"},
		Addr:            "127.0.0.1:8080",
		BaseURL:         "http://127.0.0.1:8080",
		DemoClients:     40,
		LogFormat:       "text",
		LogLevel:        slog.LevelInfo,
		SessionIdle:     15 * time.Minute,
		SessionMax:      12 * time.Hour,
		ShutdownTimeout: 20 * time.Second,

		AuditAnchorInterval: 10 * time.Minute,
		OIDC:                config.OIDC{Name: "your organization's sign-in"},
	}
	if c != want {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
	if c.Secure() {
		t.Errorf("Secure() = true for the http default")
	}
}

// TestParseServeEnv: every IOP_* variable is read (trimmed of spaces).
func TestParseServeEnv(t *testing.T) {
	c := parse(t, nil, map[string]string{
		"IOP_ADDR":             "0.0.0.0:9000",
		"IOP_DATA_DIR":         "/var/lib/iop",
		"IOP_DATABASE_URL":     "postgres://iop@db:5432/iop",
		"IOP_DEMO":             "true",
		"IOP_DEMO_CLIENTS":     "250",
		"IOP_SESSION_IDLE":     "30m",
		"IOP_SESSION_MAX":      "10h",
		"IOP_LOG_FORMAT":       "json",
		"IOP_LOG_LEVEL":        "debug",
		"IOP_TRUST_PROXY":      "1",
		"IOP_SHUTDOWN_TIMEOUT": "45s",

		"IOP_AUDIT_KEY_FILE":        "/etc/iop/audit.key",
		"IOP_AUDIT_ANCHOR_LOG":      "/mnt/worm/iop-anchors.jsonl",
		"IOP_AUDIT_ANCHOR_INTERVAL": "1h",

		"IOP_OIDC_ISSUER":        "https://login.example.org/realms/riverbend",
		"IOP_OIDC_CLIENT_ID":     "openiop",
		"IOP_OIDC_CLIENT_SECRET": " s3cret ",
		"IOP_OIDC_NAME":          "Riverbend sign-in",
	})
	want := config.Config{
		Database:        config.Database{DataDir: "/var/lib/iop", DatabaseURL: "postgres://iop@db:5432/iop"},
		Addr:            "0.0.0.0:9000",
		BaseURL:         "http://localhost:9000",
		Demo:            true,
		DemoClients:     250,
		LogFormat:       "json",
		LogLevel:        slog.LevelDebug,
		SessionIdle:     30 * time.Minute,
		SessionMax:      10 * time.Hour,
		TrustProxy:      true,
		ShutdownTimeout: 45 * time.Second,

		AuditKey:            config.AuditKey{File: "/etc/iop/audit.key"},
		AuditAnchorLog:      "/mnt/worm/iop-anchors.jsonl",
		AuditAnchorInterval: time.Hour,
		OIDC: config.OIDC{Issuer: "https://login.example.org/realms/riverbend", ClientID: "openiop", ClientSecret: "s3cret",
			Name: "Riverbend sign-in"},
	}
	if c != want {
		t.Errorf("from env:\n got %+v\nwant %+v", c, want)
	}

	c = parse(t, nil, map[string]string{"IOP_ADDR": "  10.0.0.5:8443 ", "IOP_BASE_URL": " https://iop.example.org "})
	if c.Addr != "10.0.0.5:8443" || c.BaseURL != "https://iop.example.org" {
		t.Errorf("spaces around values not trimmed: addr %q, base %q", c.Addr, c.BaseURL)
	}
	// An empty variable is the same as an unset one.
	c = parse(t, nil, map[string]string{"IOP_ADDR": "", "IOP_DEMO": "  "})
	if c.Addr != "127.0.0.1:8080" || c.Demo {
		t.Errorf("empty variables: addr %q, demo %v", c.Addr, c.Demo)
	}
}

// TestParseServeFlagWinsOverEnv: a flag on the command line overrides its
// variable (package doc: "a flag wins over its variable").
func TestParseServeFlagWinsOverEnv(t *testing.T) {
	vars := map[string]string{
		"IOP_ADDR":         "0.0.0.0:9000",
		"IOP_DATA_DIR":     "/var/lib/iop",
		"IOP_DEMO":         "true",
		"IOP_DEMO_CLIENTS": "250",
		"IOP_LOG_FORMAT":   "json",
		"IOP_SESSION_IDLE": "30m",
		"IOP_BASE_URL":     "https://env.example.org",
	}
	c := parse(t, []string{
		"--addr", "127.0.0.1:7000", "--data-dir=/tmp/iop", "--demo=false", "--demo-clients", "3",
		"--log-format", "text", "--session-idle", "20m", "--base-url", "https://flag.example.org",
	}, vars)
	if c.Addr != "127.0.0.1:7000" || c.DataDir != "/tmp/iop" || c.Demo || c.DemoClients != 3 ||
		c.LogFormat != "text" || c.SessionIdle != 20*time.Minute || c.BaseURL != "https://flag.example.org" {
		t.Errorf("flags did not win: %+v", c)
	}
	// A variable not overridden by a flag still applies.
	c = parse(t, []string{"--addr", "127.0.0.1:7000"}, vars)
	if c.LogFormat != "json" || !c.Demo {
		t.Errorf("variables without flags lost: %+v", c)
	}
}

// TestParseServeBadValues: each bad setting is refused with a message naming
// the flag or variable, the allowed values, and the value given.
func TestParseServeBadValues(t *testing.T) {
	tests := []struct {
		name string
		args []string
		vars map[string]string
		want []string // all must appear in the error
	}{
		{"IOP_DEMO not a boolean", nil, map[string]string{"IOP_DEMO": "maybe"}, []string{"IOP_DEMO", "true or false", `"maybe"`}},
		{"IOP_TRUST_PROXY not a boolean", nil, map[string]string{"IOP_TRUST_PROXY": "yes"}, []string{"IOP_TRUST_PROXY", "true or false", `"yes"`}},
		{"IOP_DEMO_CLIENTS not a number", nil, map[string]string{"IOP_DEMO_CLIENTS": "lots"}, []string{"IOP_DEMO_CLIENTS", "whole number", `"lots"`}},
		{"IOP_SESSION_IDLE not a duration", nil, map[string]string{"IOP_SESSION_IDLE": "soon"}, []string{"IOP_SESSION_IDLE", "duration such as 15m", `"soon"`}},
		{"IOP_SESSION_IDLE without a unit", nil, map[string]string{"IOP_SESSION_IDLE": "15"}, []string{"IOP_SESSION_IDLE", "duration"}},
		{"addr without a port", []string{"--addr", "nohost"}, nil, []string{"--addr", "host:port", `"nohost"`}},
		{"addr with an empty port", []string{"--addr", "127.0.0.1:"}, nil, []string{"--addr", "host:port"}},
		{"base URL not http", []string{"--base-url", "ftp://x"}, nil, []string{"--base-url", "http(s)", `"ftp://x"`}},
		{"base URL with a path", []string{"--base-url", "https://x/path"}, nil, []string{"--base-url", "no path", `"https://x/path"`}},
		{"base URL without a host", []string{"--base-url", "https://"}, nil, []string{"--base-url"}},
		{"base URL relative", []string{"--base-url", "iop.example.org"}, nil, []string{"--base-url"}},
		{"base URL from env with a path", nil, map[string]string{"IOP_BASE_URL": "https://x/iop/"}, []string{"--base-url", "no path"}},
		{"log format", []string{"--log-format", "xml"}, nil, []string{"--log-format", "text or json", `"xml"`}},
		{"log level", []string{"--log-level", "loud"}, nil, []string{"--log-level", "debug, info, warn or error", `"loud"`}},
		{"session idle too short", []string{"--session-idle", "30s"}, nil, []string{"--session-idle", "between 1m and 8h", "30s"}},
		{"session idle too long", []string{"--session-idle", "9h"}, nil, []string{"--session-idle", "between 1m and 8h", "9h"}},
		{"session max below idle", []string{"--session-max", "1m"}, nil, []string{"--session-max", "at least --session-idle", "1m"}},
		{"session max over a week", []string{"--session-max", "169h"}, nil, []string{"--session-max", "at most 168h"}},
		{"demo clients negative", []string{"--demo-clients", "-1"}, nil, []string{"--demo-clients", "between 0 and 100000", "-1"}},
		{"demo clients too many", []string{"--demo-clients", "100001"}, nil, []string{"--demo-clients", "between 0 and 100000"}},
		{"shutdown timeout zero", []string{"--shutdown-timeout", "0s"}, nil, []string{"--shutdown-timeout", "positive"}},
		{"smtp url scheme", []string{"--smtp-url", "http://mail.example.org", "--mail-from", "iop@example.org"}, nil, []string{"--smtp-url", "smtp://"}},
		{"smtp without from", []string{"--smtp-url", "smtp://mail.example.org:587"}, nil, []string{"--mail-from", "email address"}},
		{"flag of the wrong type", []string{"--demo-clients", "lots"}, nil, []string{"demo-clients"}},
		{"unknown flag", []string{"--colour"}, nil, []string{"colour"}},
		{"anchor interval too short", []string{"--audit-anchor-interval", "30s"}, nil, []string{"--audit-anchor-interval", "between 1m and 24h", "30s"}},
		{"anchor interval too long", []string{"--audit-anchor-interval", "25h"}, nil, []string{"--audit-anchor-interval", "between 1m and 24h", "25h0m0s"}},
		{"IOP_AUDIT_ANCHOR_INTERVAL not a duration", nil, map[string]string{"IOP_AUDIT_ANCHOR_INTERVAL": "hourly"}, []string{"IOP_AUDIT_ANCHOR_INTERVAL", "duration", `"hourly"`}},
		{"audit key given twice", []string{"--audit-key-file", "/etc/iop/audit.key"}, map[string]string{"IOP_AUDIT_KEY": "c2VlZA=="}, []string{"--audit-key-file", "IOP_AUDIT_KEY", "not both"}},
		{"secret key not a key", nil, map[string]string{"IOP_SECRET_KEY": "c2VlZA=="}, []string{"IOP_SECRET_KEY", "32 random bytes in base64", "iop secret-key"}},
		{"anchor log without a key", []string{"--audit-anchor-log", "/mnt/worm/anchors.jsonl"}, nil, []string{"--audit-anchor-log", "needs a signing key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.ParseServe(tt.args, env(tt.vars), io.Discard)
			if err == nil {
				t.Fatalf("ParseServe(%q, %v) accepted it", tt.args, tt.vars)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestParseServeBoundaries: the limits themselves are allowed.
func TestParseServeBoundaries(t *testing.T) {
	for _, args := range [][]string{
		{"--session-idle", "1m", "--session-max", "1m"},
		{"--session-idle", "8h", "--session-max", "168h"},
		{"--demo-clients", "0"},
		{"--demo-clients", "100000"},
		{"--addr", ":8080"},
		{"--addr", "[::1]:8080"},
		{"--log-level", "WARN"},
		{"--log-level", "error"},
		{"--audit-anchor-interval", "1m"},
		{"--audit-anchor-interval", "24h"},
	} {
		if _, err := config.ParseServe(args, env(nil), io.Discard); err != nil {
			t.Errorf("ParseServe(%q): %v", args, err)
		}
	}
	if c := parse(t, []string{"--log-level", "WARN"}, nil); c.LogLevel != slog.LevelWarn {
		t.Errorf("LogLevel = %v, want WARN", c.LogLevel)
	}
}

// TestParseServeReportsProblemsTogether: several problems come back in one
// error, so an operator fixes them in one go rather than one per restart.
func TestParseServeReportsProblemsTogether(t *testing.T) {
	tests := []struct {
		name string
		args []string
		vars map[string]string
		want []string
	}{
		{"several flags", []string{"--log-format", "xml", "--log-level", "loud", "--session-idle", "30s", "--demo-clients", "-1"}, nil,
			[]string{"--log-format", "--log-level", "--session-idle", "--demo-clients"}},
		{"several variables", nil, map[string]string{"IOP_DEMO": "maybe", "IOP_DEMO_CLIENTS": "lots", "IOP_SESSION_IDLE": "soon"},
			[]string{"IOP_DEMO ", "IOP_DEMO_CLIENTS", "IOP_SESSION_IDLE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.ParseServe(tt.args, env(tt.vars), io.Discard)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if n := strings.Count(err.Error(), "; ") + 1; n != len(tt.want) {
				t.Errorf("error lists %d problems, want %d: %q", n, len(tt.want), err)
			}
		})
	}
}

// TestParseServeReportsEnvAndFlagProblemsTogether: a bad variable and a bad
// flag value should also be reported in the same error (FlagSet.Parse's doc:
// "returns every problem found, from variables and flags, as one error").
func TestParseServeReportsEnvAndFlagProblemsTogether(t *testing.T) {
	_, err := config.ParseServe([]string{"--log-format", "xml"}, env(map[string]string{"IOP_DEMO": "maybe"}), io.Discard)
	if err == nil {
		t.Fatal("accepted")
	}
	if !strings.Contains(err.Error(), "IOP_DEMO") {
		t.Fatalf("error %q does not mention IOP_DEMO", err)
	}
	if !strings.Contains(err.Error(), "--log-format") {
		t.Errorf("error %q does not also report --log-format: every problem must be reported together", err)
	}
}

// TestParseServePositionalArgument: serve takes no arguments; a stray word
// (often a flag missing its dashes) is refused rather than ignored.
func TestParseServePositionalArgument(t *testing.T) {
	for _, args := range [][]string{{"demo"}, {"--addr", "127.0.0.1:9000", "extra"}} {
		_, err := config.ParseServe(args, env(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "unexpected argument") || !strings.Contains(err.Error(), args[len(args)-1]) {
			t.Errorf("ParseServe(%q) err = %v, want an unexpected-argument error naming %q", args, err, args[len(args)-1])
		}
	}
}

// TestParseServeHelp: --help returns flag.ErrHelp and documents each
// setting's environment variable.
func TestParseServeHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := config.ParseServe([]string{"--help"}, env(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	for name, key := range config.Env {
		if name == "audit-public-key" { // only `iop audit verify` takes it
			continue
		}
		if !strings.Contains(out.String(), "-"+name) {
			t.Errorf("usage does not list -%s", name)
		}
		if !strings.Contains(out.String(), "(env "+key+")") {
			t.Errorf("usage does not mention %s", key)
		}
	}
}

// TestBaseURL: the trailing slash is removed so links can be built by
// appending paths, and Secure (Secure cookies, HSTS) is on only for https.
func TestBaseURL(t *testing.T) {
	tests := []struct {
		args   []string
		vars   map[string]string
		base   string
		secure bool
	}{
		{[]string{"--base-url", "https://iop.example.org/"}, nil, "https://iop.example.org", true},
		{[]string{"--base-url", "https://iop.example.org"}, nil, "https://iop.example.org", true},
		{[]string{"--base-url", "https://iop.example.org:8443"}, nil, "https://iop.example.org:8443", true},
		{[]string{"--base-url", "http://iop.example.org/"}, nil, "http://iop.example.org", false},
		{nil, map[string]string{"IOP_BASE_URL": "https://iop.example.org/"}, "https://iop.example.org", true},
		{[]string{"--addr", "0.0.0.0:443"}, nil, "http://localhost:443", false},
		{[]string{"--addr", ":8080"}, nil, "http://localhost:8080", false},
	}
	for _, tt := range tests {
		c := parse(t, tt.args, tt.vars)
		if c.BaseURL != tt.base {
			t.Errorf("ParseServe(%q, %v).BaseURL = %q, want %q", tt.args, tt.vars, c.BaseURL, tt.base)
		}
		if c.Secure() != tt.secure {
			t.Errorf("Secure() for %q = %v, want %v", c.BaseURL, c.Secure(), tt.secure)
		}
	}
	for _, tt := range []struct {
		base string
		want bool
	}{
		{"https://x", true},
		{"http://x", false},
		{"", false},
	} {
		if got := (config.Config{BaseURL: tt.base}).Secure(); got != tt.want {
			t.Errorf("Config{BaseURL: %q}.Secure() = %v, want %v", tt.base, got, tt.want)
		}
	}
}

// TestFlagSetCollectsEnvProblems: the FlagSet other subcommands build on
// reports every bad variable together, and a good variable becomes the
// flag's default.
func TestFlagSetCollectsEnvProblems(t *testing.T) {
	vars := map[string]string{"IOP_DEMO": "maybe", "IOP_DEMO_CLIENTS": "7", "IOP_SHUTDOWN_TIMEOUT": "later", "IOP_DATA_DIR": "/srv/iop"}
	fs := config.NewFlagSet("test", env(vars), io.Discard)
	var demo bool
	var n int
	var d time.Duration
	var db config.Database
	fs.Bool(&demo, "demo", false, "")
	fs.Int(&n, "demo-clients", 1, "")
	fs.Duration(&d, "shutdown-timeout", time.Second, "")
	fs.Database(&db)
	err := fs.Parse(nil)
	if err == nil {
		t.Fatal("Parse accepted bad variables")
	}
	for _, w := range []string{"IOP_DEMO ", "IOP_SHUTDOWN_TIMEOUT"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	if n != 7 || db.DataDir != "/srv/iop" {
		t.Errorf("good variables not used: demo-clients %d, data-dir %q", n, db.DataDir)
	}
	if demo || d != time.Second {
		t.Errorf("bad variables changed the defaults: demo %v, timeout %v", demo, d)
	}
}

// TestBaseURLSchemeCase: URL schemes are case-insensitive (RFC 3986 §3.1),
// and ParseServe accepts an upper-case one; such a URL must still count as
// https, or cookies lose their Secure flag and HSTS is not sent.
func TestBaseURLSchemeCase(t *testing.T) {
	c, err := config.ParseServe([]string{"--base-url", "HTTPS://iop.example.org"}, env(nil), io.Discard)
	if err != nil {
		return // refusing it is also safe
	}
	if !c.Secure() {
		t.Error("--base-url HTTPS://iop.example.org is accepted but Secure() is false: no Secure cookies, no HSTS")
	}
}

// TestBadVariableRefusedEvenWithFlag: a malformed variable is a
// misconfiguration of the environment and is reported even when a flag
// overrides it, rather than lying in wait for the day the flag is dropped.
func TestBadVariableRefusedEvenWithFlag(t *testing.T) {
	_, err := config.ParseServe([]string{"--demo=true"}, env(map[string]string{"IOP_DEMO": "maybe"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "IOP_DEMO") {
		t.Errorf("err = %v, want one naming IOP_DEMO", err)
	}
}

// TestAuditKeyFlags: the commands that sign or check anchors read the key
// from a file or IOP_AUDIT_KEY (never both), and the public key from its
// flag or variable.
func TestAuditKeyFlags(t *testing.T) {
	parseKey := func(args []string, vars map[string]string) (config.AuditKey, string, error) {
		var k config.AuditKey
		var pub string
		fs := config.NewFlagSet("audit verify", env(vars), io.Discard)
		fs.AuditKey(&k)
		fs.AuditPublicKey(&pub)
		return k, pub, fs.Parse(args)
	}
	k, pub, err := parseKey(nil, map[string]string{"IOP_AUDIT_KEY": " c2VlZA==\n", "IOP_AUDIT_PUBLIC_KEY": "cHVi"})
	if err != nil || k != (config.AuditKey{Text: "c2VlZA=="}) || !k.Set() || pub != "cHVi" {
		t.Errorf("from env: %+v %q %v", k, pub, err)
	}
	k, _, err = parseKey([]string{"--audit-key-file", "/etc/iop/audit.key"}, nil)
	if err != nil || k != (config.AuditKey{File: "/etc/iop/audit.key"}) {
		t.Errorf("from a flag: %+v %v", k, err)
	}
	if k, _, _ := parseKey(nil, nil); k.Set() {
		t.Errorf("no key given, but Set: %+v", k)
	}
	_, _, err = parseKey(nil, map[string]string{"IOP_AUDIT_KEY": "c2VlZA==", "IOP_AUDIT_KEY_FILE": "/etc/iop/audit.key"})
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("key twice from env: %v", err)
	}
}

// TestParseServeOIDCProblems: single sign-on is all or nothing, over HTTPS
// (plain HTTP only for a provider on this machine), and each problem is named.
func TestParseServeOIDCProblems(t *testing.T) {
	for name, c := range map[string]struct {
		vars map[string]string
		want string
	}{
		"client id without issuer": {map[string]string{"IOP_OIDC_CLIENT_ID": "openiop"}, "need --oidc-issuer"},
		"secret without issuer":    {map[string]string{"IOP_OIDC_CLIENT_SECRET": "x"}, "need --oidc-issuer"},
		"issuer without client id": {map[string]string{"IOP_OIDC_ISSUER": "https://login.example.org"}, "--oidc-client-id is required"},
		"plain http elsewhere":     {map[string]string{"IOP_OIDC_ISSUER": "http://login.example.org", "IOP_OIDC_CLIENT_ID": "a"}, "https URL"},
		"not a URL":                {map[string]string{"IOP_OIDC_ISSUER": "login.example.org", "IOP_OIDC_CLIENT_ID": "a"}, "https URL"},
		"empty name":               {map[string]string{"IOP_OIDC_ISSUER": "https://login.example.org", "IOP_OIDC_CLIENT_ID": "a", "IOP_OIDC_NAME": " "}, ""},
	} {
		_, err := config.ParseServe(nil, env(c.vars), io.Discard)
		if c.want == "" { // an empty variable is unset: the default name applies
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one mentioning %q", name, err, c.want)
		}
	}
	c := parse(t, []string{"--oidc-issuer", "http://127.0.0.1:5556/dex", "--oidc-client-id", "openiop"}, nil)
	if c.OIDC.Issuer != "http://127.0.0.1:5556/dex" {
		t.Errorf("a provider on this machine over plain HTTP is refused: %+v", c.OIDC)
	}
}
