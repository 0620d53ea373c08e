// Package config reads OpenIOP's settings from command-line flags and IOP_*
// environment variables (a flag wins over its variable) and validates them
// with messages that say what to fix. There are no globals: the result is
// passed down from app.Run.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/auth"
)

// Config is everything the server needs to start.
type Config struct {
	Database                      // where the data lives
	Addr            string        // listen address, host:port
	BaseURL         string        // the public URL people use, e.g. https://iop.example.org
	Demo            bool          // create a demo center if the database is empty
	DemoClients     int           // how many demo clients to create with Demo
	LogFormat       string        // "text" or "json"
	LogLevel        slog.Level    // debug, info, warn, error
	SessionIdle     time.Duration // sign staff out after this long without activity
	SessionMax      time.Duration // and this long after sign-in regardless
	TrustProxy      bool          // take the client address from X-Forwarded-For (behind a reverse proxy)
	ShutdownTimeout time.Duration // how long to let in-flight requests finish on stop
	SMTPURL         string        // smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; empty: no email
	MailFrom        string        // the From address of notices

	AuditKey            AuditKey      // signs anchors of the audit chain's head; none: no anchors
	AuditAnchorLog      string        // file each anchor is also appended to, ideally on other (WORM) storage
	AuditAnchorInterval time.Duration // how often to anchor the head while it moves

	OIDC OIDC // single sign-on for staff; off when Issuer is empty
}

// OIDC is how OpenIOP is registered with the center's OpenID Connect
// identity provider for staff single sign-on.
type OIDC struct {
	Issuer       string // --oidc-issuer, IOP_OIDC_ISSUER
	ClientID     string // --oidc-client-id, IOP_OIDC_CLIENT_ID
	ClientSecret string // IOP_OIDC_CLIENT_SECRET only: a command line is visible to every local user
	Name         string // --oidc-name, IOP_OIDC_NAME: the sign-in button's label
}

// OIDCClientSecretEnv holds the client secret registered with the identity
// provider. There is deliberately no flag.
const OIDCClientSecretEnv = "IOP_OIDC_CLIENT_SECRET"

// AuditKeyEnv holds the audit anchor signing key itself, for deployments that
// hand secrets over in the environment. There is deliberately no flag: a
// command line is visible to every local user.
const AuditKeyEnv = "IOP_AUDIT_KEY"

// AuditKey says where the audit anchor signing key comes from: a file, or
// the key itself in IOP_AUDIT_KEY. At most one is set.
type AuditKey struct {
	File string // --audit-key-file, IOP_AUDIT_KEY_FILE
	Text string // IOP_AUDIT_KEY
}

// Set reports whether a key was given.
func (k AuditKey) Set() bool { return k.File != "" || k.Text != "" }

// Env names each setting's environment variable.
var Env = map[string]string{
	"addr": "IOP_ADDR", "data-dir": "IOP_DATA_DIR", "database-url": "IOP_DATABASE_URL", "base-url": "IOP_BASE_URL",
	"demo": "IOP_DEMO", "demo-clients": "IOP_DEMO_CLIENTS", "log-format": "IOP_LOG_FORMAT", "log-level": "IOP_LOG_LEVEL",
	"session-idle": "IOP_SESSION_IDLE", "session-max": "IOP_SESSION_MAX", "trust-proxy": "IOP_TRUST_PROXY",
	"shutdown-timeout": "IOP_SHUTDOWN_TIMEOUT", "smtp-url": "IOP_SMTP_URL", "mail-from": "IOP_MAIL_FROM",
	"audit-key-file": "IOP_AUDIT_KEY_FILE", "audit-anchor-log": "IOP_AUDIT_ANCHOR_LOG",
	"audit-anchor-interval": "IOP_AUDIT_ANCHOR_INTERVAL", "audit-public-key": "IOP_AUDIT_PUBLIC_KEY",
	"oidc-issuer": "IOP_OIDC_ISSUER", "oidc-client-id": "IOP_OIDC_CLIENT_ID", "oidc-name": "IOP_OIDC_NAME",
}

// Database holds the settings that choose the database, shared by every
// subcommand that opens it.
type Database struct {
	DataDir     string // where the SQLite database lives
	DatabaseURL string // PostgreSQL URL; empty for SQLite in DataDir
	// SecretKey (IOP_SECRET_KEY, base64) seals authenticator keys at rest.
	// Every replica on one PostgreSQL database needs the same key; SQLite
	// makes its own in the data directory when none is given.
	SecretKey string
}

// FlagSet is a flag.FlagSet whose defaults come from IOP_* variables and
// which collects parse problems from them.
type FlagSet struct {
	*flag.FlagSet
	getenv   func(string) string
	problems []string
	checks   []func() string // run after parsing; a non-empty result is a problem
}

// NewFlagSet returns a FlagSet for a subcommand that writes usage to out.
func NewFlagSet(name string, getenv func(string) string, out io.Writer) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return &FlagSet{FlagSet: fs, getenv: getenv}
}

func (f *FlagSet) env(name string) (string, string) {
	key := Env[name]
	if key == "" {
		return "", ""
	}
	return key, strings.TrimSpace(f.getenv(key))
}

func (f *FlagSet) usage(name, usage string) string {
	if key := Env[name]; key != "" {
		return usage + " (env " + key + ")"
	}
	return usage
}

// String defines a string flag defaulting to its variable, then def.
func (f *FlagSet) String(p *string, name, def, usage string) {
	if _, v := f.env(name); v != "" {
		def = v
	}
	f.StringVar(p, name, def, f.usage(name, usage))
}

// Bool defines a boolean flag defaulting to its variable, then def.
func (f *FlagSet) Bool(p *bool, name string, def bool, usage string) {
	if key, v := f.env(name); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.problems = append(f.problems, fmt.Sprintf("%s must be true or false, not %q", key, v))
		} else {
			def = b
		}
	}
	f.BoolVar(p, name, def, f.usage(name, usage))
}

// Int defines an integer flag defaulting to its variable, then def.
func (f *FlagSet) Int(p *int, name string, def int, usage string) {
	if key, v := f.env(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.problems = append(f.problems, fmt.Sprintf("%s must be a whole number, not %q", key, v))
		} else {
			def = n
		}
	}
	f.IntVar(p, name, def, f.usage(name, usage))
}

// Duration defines a duration flag defaulting to its variable, then def.
func (f *FlagSet) Duration(p *time.Duration, name string, def time.Duration, usage string) {
	if key, v := f.env(name); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.problems = append(f.problems, fmt.Sprintf("%s must be a duration such as 15m or 12h, not %q", key, v))
		} else {
			def = d
		}
	}
	f.DurationVar(p, name, def, f.usage(name, usage))
}

// Database defines --data-dir and --database-url.
func (f *FlagSet) Database(d *Database) {
	f.String(&d.DataDir, "data-dir", "data", "directory for the SQLite database")
	f.String(&d.DatabaseURL, "database-url", "", "PostgreSQL URL (postgres://user:pass@host:5432/db); empty means SQLite in the data directory")
	if v := strings.TrimSpace(f.getenv(SecretKeyEnv)); v != "" {
		if _, err := auth.ParseSecretKey(v); err != nil {
			f.problems = append(f.problems, SecretKeyEnv+": "+err.Error())
		}
		d.SecretKey = v
	}
}

// SecretKeyEnv holds the key that seals authenticator keys at rest. There
// is deliberately no flag: a command line is visible to every local user.
const SecretKeyEnv = "IOP_SECRET_KEY"

// AuditKey defines --audit-key-file and reads IOP_AUDIT_KEY into k.
func (f *FlagSet) AuditKey(k *AuditKey) {
	f.String(&k.File, "audit-key-file", "", "file holding the audit anchor signing key, from 'iop audit keygen' (or the key itself in "+AuditKeyEnv+")")
	k.Text = strings.TrimSpace(f.getenv(AuditKeyEnv))
	f.checks = append(f.checks, func() string {
		if k.File != "" && k.Text != "" {
			return "give the audit anchor signing key once: --audit-key-file (or IOP_AUDIT_KEY_FILE) or " + AuditKeyEnv + ", not both"
		}
		return ""
	})
}

// AuditAnchorLog defines --audit-anchor-log.
func (f *FlagSet) AuditAnchorLog(p *string, usage string) {
	f.String(p, "audit-anchor-log", "", usage)
}

// AuditPublicKey defines --audit-public-key, which checks anchors without the
// signing key.
func (f *FlagSet) AuditPublicKey(p *string) {
	f.String(p, "audit-public-key", "", "public key the audit anchors are checked with, as 'iop audit keygen' printed it; after a key change, the new and old keys separated by a comma")
}

// parsed returns the problems from variables and from the checks run now
// that the flags are parsed.
func (f *FlagSet) parsed() []string {
	out := append([]string(nil), f.problems...)
	for _, check := range f.checks {
		if p := check(); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Parse parses args and returns every problem found, from variables and
// flags, as one error.
func (f *FlagSet) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		return err
	}
	if problems := f.parsed(); len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// ParseServe reads the serve subcommand's settings.
func ParseServe(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	var level string
	fs := NewFlagSet("serve", getenv, out)
	fs.String(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on, host:port")
	fs.Database(&c.Database)
	fs.String(&c.BaseURL, "base-url", "", "public URL of this server, e.g. https://iop.example.org (default http://<addr>)")
	fs.Bool(&c.Demo, "demo", false, "create a realistic demo center if the database is empty")
	fs.Int(&c.DemoClients, "demo-clients", 40, "number of demo clients to create with --demo")
	fs.String(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.String(&level, "log-level", "info", "log level: debug, info, warn or error")
	fs.Duration(&c.SessionIdle, "session-idle", 15*time.Minute, "sign staff out after this long without activity")
	fs.Duration(&c.SessionMax, "session-max", 12*time.Hour, "sign staff out this long after sign-in")
	fs.Bool(&c.TrustProxy, "trust-proxy", false, "take client addresses from X-Forwarded-For (only behind a reverse proxy)")
	fs.Duration(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long to let requests finish when stopping")
	fs.String(&c.SMTPURL, "smtp-url", "", "email staff notices through this server: smtp://user:pass@host:587 or smtps://user:pass@host:465")
	fs.String(&c.MailFrom, "mail-from", "", "From address of notice emails (required with --smtp-url)")
	fs.AuditKey(&c.AuditKey)
	fs.AuditAnchorLog(&c.AuditAnchorLog, "append every audit anchor to this file as well, fsynced (keep it on other storage than the database)")
	fs.Duration(&c.AuditAnchorInterval, "audit-anchor-interval", 10*time.Minute, "how often to sign an anchor of the audit log while it grows (with a signing key)")
	fs.String(&c.OIDC.Issuer, "oidc-issuer", "", "OpenID Connect issuer URL of the identity provider for staff single sign-on (the client secret goes in "+OIDCClientSecretEnv+")")
	fs.String(&c.OIDC.ClientID, "oidc-client-id", "", "client id OpenIOP is registered with at the identity provider")
	fs.String(&c.OIDC.Name, "oidc-name", "your organization's sign-in", "what the single sign-on button names the identity provider")
	c.OIDC.ClientSecret = strings.TrimSpace(getenv(OIDCClientSecretEnv))
	// Flag syntax errors stop here; problems with values, from variables
	// or flags, are all collected and reported together.
	if err := fs.FlagSet.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	problems := fs.parsed()
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		problems = append(problems, fmt.Sprintf("--addr must be host:port such as 127.0.0.1:8080, not %q", c.Addr))
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL(c.Addr)
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		problems = append(problems, fmt.Sprintf("--base-url must be an absolute http(s) URL with no path, such as https://iop.example.org, not %q", c.BaseURL))
	} else {
		c.BaseURL = u.Scheme + "://" + strings.ToLower(u.Host) // url.Parse lower-cases the scheme; Secure() relies on it
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		problems = append(problems, fmt.Sprintf("--log-format must be text or json, not %q", c.LogFormat))
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		problems = append(problems, fmt.Sprintf("--log-level must be debug, info, warn or error, not %q", level))
	}
	if c.SessionIdle < time.Minute || c.SessionIdle > 8*time.Hour {
		problems = append(problems, fmt.Sprintf("--session-idle must be between 1m and 8h, not %s", c.SessionIdle))
	}
	if c.SessionMax < c.SessionIdle || c.SessionMax > 7*24*time.Hour {
		problems = append(problems, fmt.Sprintf("--session-max must be at least --session-idle and at most 168h, not %s", c.SessionMax))
	}
	if c.DemoClients < 0 || c.DemoClients > 100000 {
		problems = append(problems, fmt.Sprintf("--demo-clients must be between 0 and 100000, not %d", c.DemoClients))
	}
	if c.ShutdownTimeout <= 0 {
		problems = append(problems, "--shutdown-timeout must be positive")
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			problems = append(problems, "--smtp-url must look like smtp://user:password@host:587 or smtps://user:password@host:465")
		}
		if c.MailFrom == "" || !strings.Contains(c.MailFrom, "@") {
			problems = append(problems, "--mail-from must be an email address when --smtp-url is set")
		}
	}
	if c.AuditAnchorInterval < time.Minute || c.AuditAnchorInterval > 24*time.Hour {
		problems = append(problems, fmt.Sprintf("--audit-anchor-interval must be between 1m and 24h, not %s", c.AuditAnchorInterval))
	}
	if c.AuditAnchorLog != "" && !c.AuditKey.Set() {
		problems = append(problems, "--audit-anchor-log needs a signing key: --audit-key-file (or IOP_AUDIT_KEY_FILE) or "+AuditKeyEnv)
	}
	problems = append(problems, c.OIDC.problems()...)
	if len(problems) > 0 {
		return c, errors.New(strings.Join(problems, "; "))
	}
	return c, nil
}

// problems checks the single sign-on settings: all or nothing, and an
// issuer over HTTPS (plain HTTP only on this machine, for trying it out).
func (o OIDC) problems() []string {
	if o.Issuer == "" {
		if o.ClientID != "" || o.ClientSecret != "" {
			return []string{"--oidc-client-id and " + OIDCClientSecretEnv + " need --oidc-issuer (IOP_OIDC_ISSUER)"}
		}
		return nil
	}
	var out []string
	u, err := url.Parse(o.Issuer)
	local := err == nil && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1")
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && local)) || u.RawQuery != "" || u.Fragment != "" {
		out = append(out, fmt.Sprintf("--oidc-issuer must be the identity provider's https URL, such as https://login.example.org/realms/center, not %q", o.Issuer))
	}
	if o.ClientID == "" {
		out = append(out, "--oidc-client-id is required with --oidc-issuer")
	}
	if n := len([]rune(o.Name)); n == 0 || n > 60 {
		out = append(out, "--oidc-name must be 1 to 60 characters")
	}
	return out
}

// DefaultBaseURL is the public URL when none is given: the listen address,
// with "localhost" for an address that names no host (":8080", "0.0.0.0:8080").
func DefaultBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Secure reports whether the public URL is HTTPS, which decides whether
// cookies are marked Secure and HSTS is sent.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }
