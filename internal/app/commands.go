package app

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"os/user"
	"slices"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/config"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/store"
)

// parseCommand parses the flags of a command that opens the database:
// --data-dir and --database-url, and those that define adds.
func parseCommand(name string, args []string, getenv func(string) string, stderr io.Writer, define func(*config.FlagSet)) (config.Database, error) {
	var d config.Database
	fs := config.NewFlagSet(name, getenv, stderr)
	fs.Database(&d)
	if define != nil {
		define(fs)
	}
	return d, flagError(fs.Parse(args))
}

// migrate brings the schema up to date.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	d, err := parseCommand("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrating the database at %s: %w", db.Where(), err)
	}
	fmt.Fprintf(stdout, "Applied %s. The database at %s is up to date.\n", plural(n, "migration"), db.Where())
	return nil
}

// demoCmd fills an empty database with the demo center, at any size.
func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var clients, seed int
	var today string
	d, err := parseCommand("demo", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.Int(&clients, "clients", 40, "number of clients to create (up to 100000)")
		fs.Int(&seed, "seed", 1, "random seed: the same seed and date give the same data")
		fs.String(&today, "today", "", "lay dates out around this day, YYYY-MM-DD (default: today)")
	})
	if err != nil {
		return err
	}
	if clients < 0 || clients > 100000 {
		return UsageError{fmt.Sprintf("--clients must be between 0 and 100000, not %d", clients)}
	}
	var day model.Date
	if today != "" {
		var err error
		if day, err = model.ParseDate(today); err != nil {
			return UsageError{"--today: " + err.Error()}
		}
	}
	db, err := openStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if _, err := db.Organization(ctx); err == nil {
		return fmt.Errorf("the database at %s already has a center; demo data is only written into an empty database (choose a new --data-dir)", db.Where())
	}
	start := time.Now()
	if err := generateDemo(ctx, db, auth.NewHasher(auth.DefaultParams, 1), clients, uint64(seed), day, stderr); err != nil { // #nosec G115 -- any seed value is a valid seed
		return err
	}
	fmt.Fprintf(stdout, "Created the demo center with %s in %s at %s.\n", plural(clients, "client"),
		time.Since(start).Round(time.Millisecond), db.Where())
	printDemoLogins(stdout, false)
	return nil
}

// generateDemo hashes the demo password once and writes the demo center,
// drawing a progress bar on stderr for large sizes.
func generateDemo(ctx context.Context, db *store.DB, hasher *auth.Hasher, clients int, seed uint64, today model.Date, stderr io.Writer) error {
	hash, err := hasher.Hash(ctx, demo.Password)
	if err != nil {
		return err
	}
	if today.IsZero() {
		today = model.DateOf(time.Now().In(demo.Organization.Location()))
	}
	opts := demo.Options{Clients: clients, Seed: seed, Today: today, PasswordHash: hash, HistoryDays: 21}
	if clients >= 1000 {
		bar := newProgress(stderr, "Creating demo clients", clients)
		opts.Progress = bar.Set
		defer bar.Done()
	}
	return demo.Generate(ctx, db, opts)
}

// userAdd adds a staff account. The password comes from stdin with
// --password-stdin, or is generated and printed once.
func userAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var email, name, role, credentials string
	var fromStdin bool
	d, err := parseCommand("user add", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.String(&email, "email", "", "the email address the person signs in with")
		fs.String(&name, "name", "", "the person's name as colleagues know it")
		fs.String(&role, "role", "", "one of: admin, clinical_director, clinician, admissions, biller, front_desk")
		fs.String(&credentials, "credentials", "", "professional credentials, e.g. \"LCSW, LCADC\" (optional)")
		fs.Bool(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	})
	if err != nil {
		return err
	}
	var problems []string
	email = strings.ToLower(strings.TrimSpace(email))
	if !model.ValidEmail(email) {
		problems = append(problems, "--email must be an email address such as name@example.org")
	}
	if strings.TrimSpace(name) == "" {
		problems = append(problems, "--name is required")
	}
	if !model.Role(role).Valid() {
		problems = append(problems, fmt.Sprintf("--role must be one of admin, clinical_director, clinician, admissions, biller, front_desk, not %q", role))
	}
	if len(problems) > 0 {
		return UsageError{strings.Join(problems, "; ")}
	}
	password, generated := "", false
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading the password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = generatePassword(), true
	}
	db, err := openStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	org, _ := db.Organization(ctx)
	if reason := auth.CheckPassword(password, email, name, org.Name); reason != "" {
		return UsageError{"the password was refused: " + reason}
	}
	hash, err := auth.NewHasher(auth.DefaultParams, 1).Hash(ctx, password)
	if err != nil {
		return err
	}
	u := model.User{Email: email, Name: strings.TrimSpace(name), Credentials: strings.TrimSpace(credentials),
		Role: model.Role(role), Active: true, PasswordHash: hash}
	if err := db.CreateUser(ctx, &u, cliRecord("user add")); err != nil {
		return fmt.Errorf("%s", model.UserMessage(err))
	}
	fmt.Fprintf(stdout, "Added %s <%s> as %s.\n", u.Name, u.Email, u.Role.Label())
	if generated {
		fmt.Fprintf(stdout, "Temporary password: %s\nGive it to them in person or by phone, not by email.\n", password)
	}
	return nil
}

// auditVerify recomputes the audit log's hash chain and reports the first
// broken record. With the anchor public key (or the signing key) it also
// checks the chain against the signed anchors in the database and in the
// anchor log, which shows a chain rebuilt by someone who controls the
// database, or records cut off its end. A broken chain is an error (exit
// status 1).
func auditVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var key config.AuditKey
	var pubText, logPath string
	d, err := parseCommand("audit verify", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.AuditPublicKey(&pubText)
		fs.AuditKey(&key)
		fs.AuditAnchorLog(&logPath, "also check the anchors in this anchor log, as iop serve --audit-anchor-log writes it")
	})
	if err != nil {
		return err
	}
	pubs, err := verifyKeys(key, pubText)
	if err != nil {
		return err
	}
	if logPath != "" && len(pubs) == 0 {
		return UsageError{"--audit-anchor-log needs --audit-public-key (or the signing key) to check the anchors in it"}
	}
	var logged []audit.Anchor
	if logPath != "" {
		if logged, err = readAnchorLog(logPath); err != nil {
			return err
		}
	}
	db, err := openExistingStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	head, err := db.AuditHead(ctx)
	if err != nil {
		return fmt.Errorf("reading the audit log at %s (is it an OpenIOP database?): %w", db.Where(), err)
	}
	var stored []audit.Anchor
	if len(pubs) > 0 {
		if stored, err = db.AuditAnchors(ctx); err != nil {
			return fmt.Errorf("reading the audit anchors at %s (run iop migrate first if this database predates anchors): %w", db.Where(), err)
		}
	} else if stored, err = db.AuditAnchors(ctx); err != nil {
		stored = nil // a database from before anchors has none to mention
	}
	var bar *progress
	if head.Seq >= 50000 {
		bar = newProgress(stderr, "Verifying audit records", int(head.Seq))
	}
	start := time.Now()
	onProgress := func(n int64) {
		if bar != nil {
			bar.Set(int(n), int(head.Seq))
		}
	}
	var rep audit.Report
	if len(pubs) > 0 {
		rep, err = audit.VerifyAnchoredKeys(db.AuditRecords(ctx), head, append(stored, logged...), pubs, onProgress)
	} else {
		rep, err = audit.Verify(db.AuditRecords(ctx), head, onProgress)
	}
	if bar != nil {
		bar.Done()
	}
	if err != nil {
		return fmt.Errorf("reading the audit log: %w", err)
	}
	if len(pubs) == 0 && len(stored) > 0 {
		defer fmt.Fprintln(stdout, anchorsNote(len(stored)))
	}
	switch {
	case rep.FirstBad != 0:
		return fmt.Errorf("the audit log is BROKEN at record %d of %d: %s", rep.FirstBad, head.Seq, rep.Problem)
	case !rep.OK():
		return fmt.Errorf("the audit log's anchors do not check out (%s): %s", anchorSources(len(stored), len(logged), logPath), rep.Problem)
	}
	fmt.Fprintf(stdout, "The audit log is intact: %s verified in %s (last record %d, hash %s).\n",
		plural(int(rep.Checked), "record"), time.Since(start).Round(time.Millisecond), head.Seq, head.Hash[:16])
	if len(pubs) == 0 {
		return nil
	}
	if rep.Anchors == 0 {
		fmt.Fprintf(stdout, "Warning: there are no signed anchors to check (%s). Anchor with iop audit anchor, or iop serve with the signing key.\n",
			anchorSources(len(stored), len(logged), logPath))
		return nil
	}
	fmt.Fprintf(stdout, "It matches its %s (%s), the furthest at record %d.\n",
		plural(rep.Anchors, "signed anchor"), anchorSources(len(stored), len(logged), logPath), rep.AnchoredTo)
	if rep.AnchoredTo < head.Seq {
		fmt.Fprintf(stdout, "Records %d to %d are checked by the chain alone until the next anchor.\n", rep.AnchoredTo+1, head.Seq)
	}
	return nil
}

// verifyKeys returns the public keys anchors are checked with: those given
// (comma-separated, for anchors from before a key change) and the signing
// key's, if it is given.
func verifyKeys(key config.AuditKey, pubText string) ([]ed25519.PublicKey, error) {
	var pubs []ed25519.PublicKey
	for _, text := range strings.Split(pubText, ",") {
		if strings.TrimSpace(text) == "" {
			continue
		}
		pub, err := audit.ParsePublicKey(text)
		if err != nil {
			return nil, UsageError{"--audit-public-key: " + err.Error()}
		}
		pubs = append(pubs, pub)
	}
	if key.Set() {
		priv, _, err := loadAnchorKey(key)
		if err != nil {
			return nil, err
		}
		own, _ := priv.Public().(ed25519.PublicKey)
		if !slices.ContainsFunc(pubs, func(p ed25519.PublicKey) bool { return p.Equal(own) }) {
			pubs = append(pubs, own)
		}
	}
	return pubs, nil
}

// cliRecord is the audit record of a command-line action: the actor is the
// operating-system user who ran it.
func cliRecord(detail string) audit.Record {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	return audit.Record{At: time.Now(), ActorID: "system:cli", ActorRole: "system", IP: "local", Detail: detail + " by os user " + who}
}

// generatePassword makes a 24-character random password in groups of four,
// easy to read out over the phone.
func generatePassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	var out []string
	for i := 0; i < len(s); i += 4 {
		out = append(out, s[i:min(i+4, len(s))])
	}
	return strings.Join(out, "-")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
