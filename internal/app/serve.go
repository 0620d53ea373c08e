package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/openiop/openiop/internal/api"
	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/auth"
	"github.com/openiop/openiop/internal/auth/sso"
	"github.com/openiop/openiop/internal/config"
	"github.com/openiop/openiop/internal/demo"
	"github.com/openiop/openiop/internal/jobs"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notify"
	"github.com/openiop/openiop/internal/platform/metrics"
	"github.com/openiop/openiop/internal/store"
	"github.com/openiop/openiop/internal/web"
)

// serve runs the web server until ctx is cancelled (SIGINT or SIGTERM), then
// stops accepting connections, lets requests in flight finish, writes the
// queued audit records, anchors the audit log (with a signing key) and closes
// the database.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.ParseServe(args, getenv, stderr)
	if err != nil {
		return flagError(err)
	}
	log := newLogger(cfg.LogFormat, cfg.LogLevel, stderr)

	db, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	if n, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating the database at %s: %w", db.Where(), err)
	} else if n > 0 {
		log.Info("database migrated", "applied", n, "database", db.Where())
	}
	if !db.SealsSecrets() {
		log.Warn("authenticator keys are stored unsealed: set " + config.SecretKeyEnv + " (the same on every replica; make one with 'iop secret-key')")
	} else if n, err := db.SealStoredSecrets(ctx); err != nil {
		return fmt.Errorf("sealing stored authenticator keys: %w", err)
	} else if n > 0 {
		log.Info("authenticator keys sealed", "accounts", n)
	}
	hasher := auth.NewHasher(auth.DefaultParams, 4)

	demoMade := false
	if cfg.Demo {
		if demoMade, err = ensureDemo(ctx, db, hasher, cfg.DemoClients, stderr); err != nil {
			return err
		}
	}

	var anchors *anchorer
	if cfg.AuditKey.Set() {
		if anchors, err = newAnchorer(cfg, db, log); err != nil {
			return err
		}
		if err := anchors.anchor(ctx, "start"); err != nil {
			return fmt.Errorf("anchoring the audit log at start: %w", err)
		}
		// Deferred before the batcher's Close so that it runs after it: the
		// final anchor covers the last read records, and the database is
		// still open.
		defer anchors.final()
	}
	batcher := audit.NewBatcher(db, 256)
	defer batcher.Close() // after the HTTP server has stopped: writes what requests queued
	reg := metrics.New()
	reg.Gauge("iop_audit_read_batches", "Read-audit transactions written since start.", func() float64 {
		b, _ := batcher.Stats()
		return float64(b)
	})
	reg.Gauge("iop_audit_read_records", "Read-audit records written since start.", func() float64 {
		_, r := batcher.Stats()
		return float64(r)
	})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	if cfg.BaseURL == config.DefaultBaseURL(cfg.Addr) { // derived, not given: use the real port (for --addr :0)
		cfg.BaseURL = config.DefaultBaseURL(ln.Addr().String())
	}
	var singleSignOn *sso.Provider
	if cfg.OIDC.Issuer != "" {
		singleSignOn = sso.New(sso.Config{Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID, ClientSecret: cfg.OIDC.ClientSecret, Name: cfg.OIDC.Name})
		log.Info("staff single sign-on", "issuer", cfg.OIDC.Issuer, "redirect_url", cfg.BaseURL+"/login/sso/callback")
	}
	srv, err := web.NewServer(web.Deps{
		API: api.NewHandler(api.Deps{Log: log, SelfAssessments: db, Store: db, Audit: batcher, TrustProxy: cfg.TrustProxy,
			Now: time.Now, BaseURL: cfg.BaseURL, Version: Version}),
		Store: db, Audit: batcher, Hasher: hasher, SSO: singleSignOn, Log: log, Metrics: reg, Now: time.Now,
		Options: web.Options{BaseURL: cfg.BaseURL, Secure: cfg.Secure(), TrustProxy: cfg.TrustProxy, Version: Version, SMTP: cfg.SMTPURL != "",
			Session: auth.SessionPolicy{Idle: cfg.SessionIdle, Absolute: cfg.SessionMax}},
	})
	if err != nil {
		ln.Close()
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()

	org, _ := db.Organization(ctx)
	fmt.Fprintf(stdout, "OpenIOP %s is serving %s at %s\n", Version, orDefault(org.Name, "a new center"), cfg.BaseURL)
	fmt.Fprintf(stdout, "Database: %s\n", db.Where())
	if cfg.Demo {
		printDemoLogins(stdout, demoMade)
	} else if n, err := db.CountUsers(ctx); err == nil && n == 0 {
		fmt.Fprintln(stdout, "No staff accounts yet. Create the first administrator with:")
		fmt.Fprintf(stdout, "  iop user add %s --role admin --email you@example.org --name \"Your Name\"\n", dbFlags(cfg.Database))
	}
	log.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "engine", string(db.Engine))

	stopJobs := startHousekeeping(ctx, db, log, cfg.SessionIdle)
	defer stopJobs()
	if anchors != nil {
		stopAnchoring := anchors.every(ctx, cfg.AuditAnchorInterval)
		defer stopAnchoring() // before the final anchor: no interval anchor runs alongside it
		log.Info("anchoring the audit log", "every", cfg.AuditAnchorInterval.String(), "anchor_log", cfg.AuditAnchorLog)
	}
	var mailer *notify.Mailer
	if cfg.SMTPURL != "" {
		if mailer, err = notify.NewMailer(cfg.SMTPURL, cfg.MailFrom, cfg.BaseURL, false); err != nil {
			return err
		}
		mailCtx, stopMail := context.WithCancel(ctx)
		defer stopMail()
		go notify.Run(mailCtx, db, mailer, 30*time.Second, log)
		log.Info("emailing staff notices and portal reminders", "from", cfg.MailFrom)
	}
	stopClinicalJobs := startJobs(ctx, db, log, cfg.BaseURL, mailer)
	defer stopClinicalJobs()

	select {
	case err := <-served:
		return fmt.Errorf("the HTTP server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		log.Warn("requests still running at shutdown timeout", "error", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// ensureDemo fills an empty database with the demo center. It reports
// whether it did; a database that already has a center is left alone.
func ensureDemo(ctx context.Context, db *store.DB, hasher *auth.Hasher, clients int, stderr io.Writer) (bool, error) {
	if _, err := db.Organization(ctx); err == nil {
		return false, nil
	} else if model.KindOf(err) != model.KindNotFound {
		return false, err
	}
	if err := generateDemo(ctx, db, hasher, clients, 1, model.Date{}, stderr); err != nil {
		return false, fmt.Errorf("creating demo data: %w", err)
	}
	return true, nil
}

func printDemoLogins(w io.Writer, created bool) {
	if created {
		fmt.Fprintln(w, "Created the demo center. Everything in it is fictional.")
	}
	fmt.Fprintf(w, "Demo sign-ins (password %q):\n", demo.Password)
	for _, l := range demo.Logins {
		fmt.Fprintf(w, "  %-20s %s\n", l.Role.Label(), l.Email)
	}
}

// startHousekeeping deletes expired sessions every ten minutes. Every
// replica may run it; deleting what is already gone does no harm.
func startHousekeeping(ctx context.Context, db *store.DB, log *slog.Logger, idle time.Duration) func() {
	return repeat(ctx, 10*time.Minute, func(ctx context.Context) {
		if n, err := db.PurgeSessions(ctx, time.Now(), idle); err != nil {
			log.Warn("purging sessions", "error", err)
		} else if n > 0 {
			log.Debug("purged sessions", "count", n)
		}
	})
}

// startJobs runs the durable background jobs (package jobs) on this replica;
// the database leases make sure each runs on one replica at a time.
// Portal reminders are always queued; they are sent only where SMTP is set
// up (mailer not nil), and otherwise wait in the outbox its page shows.
func startJobs(ctx context.Context, db *store.DB, log *slog.Logger, baseURL string, mailer *notify.Mailer) (stop func()) {
	host, _ := os.Hostname()
	center := func(ctx context.Context) jobs.Center {
		org, _ := db.Organization(ctx)
		return jobs.Center{Name: org.Name, Location: org.Location(), PortalURL: baseURL + "/portal"}
	}
	list := []jobs.Job{
		jobs.MeasureSchedule(db, func(ctx context.Context) *time.Location { return center(ctx).Location }),
		jobs.PortalReminders(db, center),
	}
	if mailer != nil {
		list = append(list, jobs.PortalMail(db, mailer))
	}
	runner := &jobs.Runner{Store: db, Holder: fmt.Sprintf("%s:%d", host, os.Getpid()), Now: time.Now, Log: log, Jobs: list}
	return repeat(ctx, time.Minute, func(ctx context.Context) { runner.RunDue(ctx) })
}

// repeat runs fn every interval until ctx ends or the returned stop is
// called; stop waits for a run in progress to finish.
func repeat(ctx context.Context, interval time.Duration, fn func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}()
	return func() { cancel(); <-done }
}

func newLogger(format string, level slog.Level, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openStore(ctx context.Context, d config.Database) (*store.DB, error) {
	return openStoreWith(ctx, store.Options{DataDir: d.DataDir, DatabaseURL: d.DatabaseURL, SecretKey: secretKey(d)})
}

// secretKey is the configured key that seals authenticator keys, or nil
// (config has checked that it parses).
func secretKey(d config.Database) []byte {
	if d.SecretKey == "" {
		return nil
	}
	key, _ := auth.ParseSecretKey(d.SecretKey)
	return key
}

// openExistingStore opens the database only if it already exists: for
// commands that read, which must never leave a new empty database behind.
func openExistingStore(ctx context.Context, d config.Database) (*store.DB, error) {
	return openStoreWith(ctx, store.Options{DataDir: d.DataDir, DatabaseURL: d.DatabaseURL, MustExist: true, SecretKey: secretKey(d)})
}

func openStoreWith(ctx context.Context, o store.Options) (*store.DB, error) {
	db, err := store.Open(ctx, o)
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) && me.Msg != "" {
			if me.Err != nil {
				return nil, fmt.Errorf("%s: %v", me.Msg, me.Err)
			}
			return nil, errors.New(me.Msg)
		}
		return nil, err
	}
	return db, nil
}

// dbFlags repeats the database flags for a command shown to the operator.
func dbFlags(d config.Database) string {
	if d.DatabaseURL != "" {
		return "--database-url '" + store.Redact(d.DatabaseURL) + "'"
	}
	return "--data-dir " + d.DataDir
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
