package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/config"
	"github.com/openiop/openiop/internal/store"
)

// auditKeygen writes a new audit anchor signing key to a file that must not
// exist yet, readable by its owner only, and prints the public key.
func auditKeygen(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var out string
	flags := config.NewFlagSet("audit keygen", getenv, stderr)
	flags.String(&out, "out", "", "file to write the new signing key to (must not exist yet)")
	if err := flagError(flags.Parse(args)); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return UsageError{fmt.Sprintf("unexpected argument %q", flags.Arg(0))}
	}
	if out == "" {
		return UsageError{"usage: iop audit keygen --out FILE"}
	}
	text, err := audit.NewAnchorKey()
	if err != nil {
		return err
	}
	priv, err := audit.ParseAnchorKey(text)
	if err != nil {
		return err
	}
	// #nosec G304 -- operator-supplied path
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: a signing key is never overwritten (anchors signed with it need its public key); choose another file", out)
	} else if err != nil {
		return fmt.Errorf("writing the audit anchor key: %w", err)
	}
	_, err = f.WriteString(text + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the audit anchor key to %s: %w", out, err)
	}
	fmt.Fprintf(stdout, `Wrote a new audit anchor signing key to %s (readable by its owner only).
Public key: %s

Give the server the key with --audit-key-file %s (or IOP_AUDIT_KEY_FILE), or put the
key itself in IOP_AUDIT_KEY. Keep the key file off the database host and out of its
backups: anyone who holds both the database and the key can rebuild the audit log
undetected. Keep the public key with your compliance records; checking the anchors
needs only it: iop audit verify --audit-public-key %s
`, out, audit.PublicKeyText(priv), out, audit.PublicKeyText(priv))
	return nil
}

// loadAnchorKey reads the signing key from where k says. The warning, if
// not empty, says the key file is readable by other users.
func loadAnchorKey(k config.AuditKey) (ed25519.PrivateKey, string, error) {
	if k.Text != "" {
		priv, err := audit.ParseAnchorKey(k.Text)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", config.AuditKeyEnv, err)
		}
		return priv, "", nil
	}
	text, err := os.ReadFile(k.File) // #nosec G304 -- operator-supplied path
	if err != nil {
		return nil, "", fmt.Errorf("reading the audit anchor key: %w", err)
	}
	priv, err := audit.ParseAnchorKey(string(text))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", k.File, err)
	}
	warning := ""
	if fi, err := os.Stat(k.File); err == nil && fi.Mode().Perm()&0o077 != 0 {
		warning = fmt.Sprintf("the audit anchor key file %s can be read by other users (mode %04o); make it readable by its owner only (chmod 600)",
			k.File, fi.Mode().Perm())
	}
	return priv, warning, nil
}

// appendAnchorLog appends a to the anchor log at path and waits until it is
// on disk.
func appendAnchorLog(path string, a audit.Anchor) error {
	// #nosec G304 -- operator-supplied path
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening the anchor log: %w", err)
	}
	err = audit.WriteAnchorLine(f, a)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing to the anchor log %s: %w", path, err)
	}
	return nil
}

// readAnchorLog reads the anchors in the anchor log at path.
func readAnchorLog(path string) ([]audit.Anchor, error) {
	f, err := os.Open(path) // #nosec G304 -- operator-supplied path
	if err != nil {
		return nil, fmt.Errorf("reading the anchor log: %w", err)
	}
	defer f.Close()
	anchors, err := audit.ReadAnchorLines(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return anchors, nil
}

// anchorHead signs the chain's current head, appends the anchor to the log
// (if logPath is set) and then saves it in the database. The log comes first:
// it is the copy an attacker with the database cannot reach, and a line
// repeated there does no harm. saved is false if the database already held
// an anchor of that record. An empty chain is not anchored (a.Seq is 0).
func anchorHead(ctx context.Context, db *store.DB, key ed25519.PrivateKey, logPath string, now time.Time) (a audit.Anchor, saved bool, err error) {
	head, err := db.AuditHead(ctx)
	if err != nil {
		return a, false, fmt.Errorf("reading the audit head: %w", err)
	}
	if head.Seq == 0 {
		return a, false, nil
	}
	a = audit.SignAnchor(key, head, now)
	if logPath != "" {
		if err := appendAnchorLog(logPath, a); err != nil {
			return a, false, err
		}
	}
	saved, err = db.SaveAuditAnchor(ctx, a)
	if err != nil {
		return a, false, fmt.Errorf("saving the audit anchor: %w", err)
	}
	return a, saved, nil
}

// auditAnchor anchors the audit log's head now.
func auditAnchor(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var key config.AuditKey
	var logPath string
	d, err := parseCommand("audit anchor", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.AuditKey(&key)
		fs.AuditAnchorLog(&logPath, "append the anchor to this file as well, fsynced (keep it on other storage than the database)")
	})
	if err != nil {
		return err
	}
	if !key.Set() {
		return UsageError{"iop audit anchor needs the signing key: --audit-key-file FILE (or IOP_AUDIT_KEY_FILE), or the key in " + config.AuditKeyEnv}
	}
	priv, warning, err := loadAnchorKey(key)
	if err != nil {
		return err
	}
	if warning != "" {
		fmt.Fprintln(stderr, "Warning: "+warning+".")
	}
	db, err := openExistingStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating the database at %s: %w", db.Where(), err)
	}
	a, saved, err := anchorHead(ctx, db, priv, logPath, time.Now())
	if err != nil {
		return err
	}
	if a.Seq == 0 {
		fmt.Fprintln(stdout, "The audit log is empty: there is nothing to anchor yet.")
		return nil
	}
	fmt.Fprintf(stdout, "Anchored the audit log at record %d (hash %s), signed %s.\n", a.Seq, a.Hash[:16], a.At.Format(time.RFC3339))
	if !saved {
		fmt.Fprintf(stdout, "Record %d was already anchored in the database; the earlier anchor is kept there.\n", a.Seq)
	}
	if logPath != "" {
		fmt.Fprintf(stdout, "Appended it to the anchor log %s.\n", logPath)
	}
	return nil
}

// anchorer signs anchors of the chain's head for the server: at start, every
// interval while the chain grows, and once more at a graceful stop.
type anchorer struct {
	db      *store.DB
	key     ed25519.PrivateKey
	logPath string
	log     *slog.Logger

	mu   sync.Mutex
	last audit.Head // the head this process last anchored
}

func newAnchorer(cfg config.Config, db *store.DB, log *slog.Logger) (*anchorer, error) {
	priv, warning, err := loadAnchorKey(cfg.AuditKey)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		log.Warn(warning)
	}
	return &anchorer{db: db, key: priv, logPath: cfg.AuditAnchorLog, log: log}, nil
}

// anchor anchors the head unless this process has already anchored it.
func (a *anchorer) anchor(ctx context.Context, when string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	head, err := a.db.AuditHead(ctx)
	if err != nil {
		return fmt.Errorf("reading the audit head: %w", err)
	}
	if head == a.last || head.Seq == 0 {
		return nil
	}
	an, _, err := anchorHead(ctx, a.db, a.key, a.logPath, time.Now())
	if err != nil {
		return err
	}
	a.last = audit.Head{Seq: an.Seq, Hash: an.Hash}
	a.log.Info("audit log anchored", "when", when, "seq", an.Seq, "hash", an.Hash[:16])
	return nil
}

// every anchors the head every interval until ctx ends or the returned stop
// is called; stop waits for an anchor in progress.
func (a *anchorer) every(ctx context.Context, interval time.Duration) (stop func()) {
	return repeat(ctx, interval, func(ctx context.Context) {
		if err := a.anchor(ctx, "interval"); err != nil && ctx.Err() == nil {
			a.log.Error("anchoring the audit log", "error", err)
		}
	})
}

// final anchors the head at a graceful stop, after the last audit records
// are written and before the database closes.
func (a *anchorer) final() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.anchor(ctx, "stop"); err != nil {
		a.log.Error("anchoring the audit log at stop", "error", err)
	}
}

// anchorsNote is what verify prints when the database holds anchors that
// were not checked for want of a key.
func anchorsNote(n int) string {
	were := "were"
	if n == 1 {
		were = "was"
	}
	return fmt.Sprintf("Note: the %s in the database %s not checked. Give --audit-public-key (or the signing key) "+
		"and --audit-anchor-log to check the log against them.", plural(n, "signed anchor"), were)
}

// anchorSources says where the anchors came from, for verify's summary.
func anchorSources(fromDB, fromLog int, logPath string) string {
	parts := []string{plural(fromDB, "anchor") + " in the database"}
	if logPath != "" {
		parts = append(parts, plural(fromLog, "anchor")+" in "+logPath)
	}
	return strings.Join(parts, " and ")
}
