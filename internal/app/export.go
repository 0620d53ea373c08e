package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"strings"
	"time"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/config"
	"github.com/openiop/openiop/internal/consent"
	"github.com/openiop/openiop/internal/fhir"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/notes"
	"github.com/openiop/openiop/internal/store"
)

// exportCmd writes a complete archive of one client's record or of every
// client's: FHIR R4 resources as Bulk Data NDJSON, one file per type, the
// signed notes as text, a manifest and a README describing it all.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var clientID, out string
	var all bool
	d, err := parseCommand("export", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.String(&clientID, "client", "", "export this client's record (their id)")
		fs.Bool(&all, "all", false, "export every client's record")
		fs.String(&out, "out", "", "directory to write (must not exist or be empty; default iop-export-DATE-TIME)")
	})
	if err != nil {
		return err
	}
	if (clientID == "") == !all {
		return UsageError{"usage: iop export (--client ID | --all) [--out DIR] [--data-dir DIR | --database-url URL]"}
	}
	if out == "" {
		out = "iop-export-" + time.Now().Format("20060102-150405")
	}
	db, err := openExistingStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	var ids []string
	if all {
		if ids, err = fhir.AllClientIDs(ctx, db, store.ClientQuery{}); err != nil {
			return err
		}
	} else {
		if _, err := db.Client(ctx, clientID); err != nil {
			return fmt.Errorf("no client with id %q in the database at %s", clientID, db.Where())
		}
		ids = []string{clientID}
	}
	bar := newProgress(stderr, "Exporting records", len(ids))
	m, err := exportArchive(ctx, db, out, ids, time.Now(), func(done int) { bar.Set(done, len(ids)) })
	bar.Done()
	if err != nil {
		return err
	}
	total := 0
	for _, o := range m.Output {
		total += o.Count
	}
	fmt.Fprintf(stdout, "Exported %s (%d FHIR resources, %s) to %s. Read %s first.\n",
		plural(len(ids), "client record"), total, plural(m.Notes, "note"), out, filepath.Join(out, "README.md"))
	return nil
}

// ExportManifest is manifest.json: the shape of a FHIR Bulk Data export's
// completion manifest, with file names relative to the archive.
type ExportManifest struct {
	TransactionTime     string         `json:"transactionTime"`
	Request             string         `json:"request"`
	RequiresAccessToken bool           `json:"requiresAccessToken"`
	Output              []ExportOutput `json:"output"`
	Error               []ExportOutput `json:"error"`
	Clients             int            `json:"clients"`
	Notes               int            `json:"notes"`
	NoteFiles           []string       `json:"noteFiles,omitempty"`
	Extension           map[string]any `json:"extension,omitempty"`
}

// ExportOutput is one NDJSON file.
type ExportOutput struct {
	Type  string `json:"type"`
	URL   string `json:"url"`
	Count int    `json:"count"`
}

// exportArchive writes the archive of the clients ids to dir and audits it,
// a record per client; progress is told how many clients are done.
func exportArchive(ctx context.Context, db *store.DB, dir string, ids []string, now time.Time, progress func(done int)) (ExportManifest, error) {
	m := ExportManifest{TransactionTime: now.UTC().Format(time.RFC3339), RequiresAccessToken: false, Output: []ExportOutput{}, Error: []ExportOutput{}}
	if len(ids) == 1 {
		m.Request = "iop export --client " + ids[0]
	} else {
		m.Request = "iop export --all"
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return m, fmt.Errorf("%s is not empty: export into a new directory", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "notes"), 0o700); err != nil {
		return m, err
	}
	center, err := fhir.LoadCenter(ctx, db)
	if err != nil {
		return m, err
	}
	files := map[string]*bufio.Writer{}
	var closers []*os.File
	defer func() {
		for _, f := range closers {
			f.Close()
		}
	}()
	counts := map[string]int{}
	write := func(r fhir.Resource) error {
		w, ok := files[r.TypeName()]
		if !ok {
			f, err := os.OpenFile(filepath.Join(dir, r.TypeName()+".ndjson"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600) // #nosec G304 -- the export directory
			if err != nil {
				return err
			}
			closers = append(closers, f)
			w = bufio.NewWriterSize(f, 64<<10)
			files[r.TypeName()] = w
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		counts[r.TypeName()]++
		_, err = w.Write(append(b, '\n'))
		return err
	}
	for _, r := range fhir.CenterResources(center) {
		if err := write(r); err != nil {
			return m, err
		}
	}
	loc := center.Org.Location()
	for i, id := range ids {
		rec, err := fhir.LoadRecord(ctx, db, id, now, loc)
		if err != nil {
			return m, fmt.Errorf("reading client %s: %w", id, err)
		}
		for _, r := range fhir.ClientResources(center, rec) {
			if err := write(r); err != nil {
				return m, err
			}
		}
		written, err := exportNotes(ctx, db, dir, rec.Client, loc)
		if err != nil {
			return m, err
		}
		m.NoteFiles = append(m.NoteFiles, written...)
		a := cliRecord("exported the record to " + dir)
		a.Action, a.Category, a.ClientID = audit.ActionExport, "client.export", id
		if err := db.AppendAudit(ctx, []audit.Record{a}); err != nil {
			return m, err
		}
		m.Clients++
		if progress != nil {
			progress(i + 1)
		}
	}
	m.Notes = len(m.NoteFiles)
	for _, w := range files {
		if err := w.Flush(); err != nil {
			return m, err
		}
	}
	for _, t := range fhir.Types {
		if counts[t] > 0 {
			m.Output = append(m.Output, ExportOutput{Type: t, URL: t + ".ndjson", Count: counts[t]})
		}
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(mb, '\n'), 0o600); err != nil {
		return m, err
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(exportReadme(m, center.Org.Name)), 0o600); err != nil {
		return m, err
	}
	return m, nil
}

// exportNotes writes the client's signed group and session notes as text,
// one file each, under notes/<client id>/, and returns their paths
// relative to dir.
func exportNotes(ctx context.Context, db *store.DB, dir string, c model.Client, loc *time.Location) ([]string, error) {
	group, err := db.ClientGroupNotes(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sessions, err := db.ClientSessionNotes(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	sub := filepath.Join("notes", c.ID)
	put := func(name, body string) error {
		if len(out) == 0 {
			if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
				return err
			}
		}
		rel := filepath.Join(sub, name)
		for n := 2; slices.Contains(out, rel); n++ {
			rel = filepath.Join(sub, strings.TrimSuffix(name, ".txt")+fmt.Sprintf("-%d.txt", n))
		}
		out = append(out, rel)
		return os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o600)
	}
	header := func(b *strings.Builder, title string) {
		fmt.Fprintf(b, "%s\nClient: %s (record %s, id %s)\n%s\n\n", title, c.LegalName(), c.MRN, c.ID, consent.ShortNotice)
	}
	for _, g := range group {
		var b strings.Builder
		header(&b, "Group note: "+g.Title+", "+g.Date.String())
		field := func(label, v string) {
			if strings.TrimSpace(v) != "" {
				fmt.Fprintf(&b, "%s:\n%s\n\n", label, strings.TrimSpace(v))
			}
		}
		field("Topic", g.Note.Topic)
		field("Interventions", g.Note.Interventions)
		field("Group dynamics", g.Note.Dynamics)
		field("Participation", g.Section.Participation)
		field("Response to interventions", g.Section.Response)
		field("Progress", g.Section.Progress)
		field("Plan", g.Section.Plan)
		signing(&b, g.Note.Signing, loc)
		if err := put(g.Date.String()+"-group.txt", b.String()); err != nil {
			return nil, err
		}
	}
	for _, s := range sessions {
		if !s.Signed {
			continue // drafts are not yet part of the record
		}
		appt, n, err := db.SessionNote(ctx, c.ID, s.AppointmentID)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		header(&b, "Session note: "+appt.Kind.Label()+", "+appt.Start.In(loc).Format("2006-01-02 15:04"))
		fmt.Fprintf(&b, "Minutes: %d\n\n", n.Minutes)
		for _, f := range notes.FieldsOf(n.Format) {
			if v := strings.TrimSpace(n.Parts[f.Key]); v != "" {
				fmt.Fprintf(&b, "%s:\n%s\n\n", f.Label, v)
			}
		}
		signing(&b, n.Signing, loc)
		if err := put(appt.Start.In(loc).Format("2006-01-02")+"-session.txt", b.String()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func signing(b *strings.Builder, s notes.Signing, loc *time.Location) {
	if s.Signed() {
		fmt.Fprintf(b, "Signed by %s at %s.\n", s.SignedByName, s.SignedAt.In(loc).Format("2006-01-02 15:04 MST"))
	}
	if !s.CoSignedAt.IsZero() {
		fmt.Fprintf(b, "Co-signed by %s at %s.\n", s.CoSignedName, s.CoSignedAt.In(loc).Format("2006-01-02 15:04 MST"))
	}
	for _, a := range s.Addenda {
		fmt.Fprintf(b, "\nAddendum by %s at %s:\n%s\n", a.ByName, a.At.In(loc).Format("2006-01-02 15:04 MST"), a.Text)
	}
}

func exportReadme(m ExportManifest, org string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# OpenIOP export\n\n%s: %s, made %s by `%s`.\n\n", orDefault(org, "Treatment center"), plural(m.Clients, "client record"), m.TransactionTime, m.Request)
	b.WriteString("## Confidentiality\n\nThese records are protected by federal confidentiality rules (42 CFR part 2) and by HIPAA. " +
		"Keep the archive encrypted and on the program's own systems. Anyone who receives any part of it from the program under a client's consent must get it with this notice:\n\n> " +
		consent.NoticeText() + "\n\nEvery client-record resource carries the security labels 42CFRPart2, NORDSCLCD (v3 ActCode) and R (v3 Confidentiality) in meta.security.\n\n")
	b.WriteString("## What is here\n\n| File | Resources | What it holds |\n|---|---|---|\n")
	what := map[string]string{
		"Organization": "the center", "Location": "its sites", "Practitioner": "every staff account",
		"Questionnaire": "the instruments, items and answers exactly as OpenIOP gives them",
		"Patient":       "clients: names, date of birth, record number, contacts", "EpisodeOfCare": "episodes of treatment: level of care, dates, primary counselor",
		"Condition": "episode diagnoses (ICD-10-CM)", "Encounter": "group meetings attended and individual sessions held",
		"Observation":           "instrument total scores (LOINC where one exists) and drug-screen results, one per substance",
		"QuestionnaireResponse": "each instrument's answers", "CarePlan": "every version of each treatment plan",
		"Appointment": "individual appointments, cancelled and missed ones included", "Consent": "Part 2 consents, revoked and expired ones included",
	}
	for _, o := range m.Output {
		fmt.Fprintf(&b, "| `%s` | %d | %s |\n", o.URL, o.Count, what[o.Type])
	}
	fmt.Fprintf(&b, "| `notes/<client id>/*.txt` | %d | signed group notes (the client's own section) and signed session notes, as plain text |\n", m.Notes)
	b.WriteString("| `manifest.json` | | the FHIR Bulk Data completion manifest of this export (file names relative to this directory), with the counts |\n\n")
	b.WriteString("## Format\n\nEach `.ndjson` file is FHIR R4 (4.0.1) JSON, one resource per line, as the FHIR Bulk Data Access specification defines. " +
		"The resources are those the FHIR API at /fhir/R4 serves (docs/api.md); references between them are relative (`Patient/<id>`), and every " +
		"reference resolves inside the archive. A resource's id begins with its client's id in base 36, so the lines of one client can be picked out. " +
		"Drafts (unsigned notes) are not exported; unsigned treatment-plan versions are, with status draft.\n")
	return b.String()
}
