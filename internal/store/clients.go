package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/care"
	"github.com/openiop/openiop/internal/model"
)

// The client columns and the client's current episode (the open one, or
// else the most recent), with joined names for display.
const (
	clientColumns = `SELECT c.id, c.mrn, c.first_name, c.last_name, c.preferred_name, c.pronouns, c.date_of_birth, c.sex_at_birth,
		c.phone, c.email, c.address, c.emergency_name, c.emergency_relationship, c.emergency_phone,
		e.id, e.program_id, e.track_id, e.level_of_care, e.admission_date, e.discharge_date, e.status, e.primary_counselor_id,
		p.name, t.name, u.name, p.min_weekly_minutes`
	// listColumns are what lists and searches show: identity and the
	// current episode, not contacts. Each column costs time on every row.
	listColumns = `SELECT c.id, c.mrn, c.first_name, c.last_name, c.preferred_name, c.pronouns, c.date_of_birth,
		e.id, e.track_id, e.level_of_care, e.admission_date, e.discharge_date, e.status, e.primary_counselor_id,
		p.name, t.name, u.name`
	clientsFrom  = ` FROM clients c LEFT JOIN episodes e ON e.id = c.current_episode_id`
	episodeJoins = ` LEFT JOIN programs p ON p.id = e.program_id LEFT JOIN tracks t ON t.id = e.track_id
		LEFT JOIN users u ON u.id = e.primary_counselor_id`
	clientSelect = clientColumns + clientsFrom + episodeJoins
	// caseloadFrom starts from the counselor's open episodes, so the
	// planner uses the counselor index instead of walking every client.
	caseloadFrom = ` FROM episodes e JOIN clients c ON c.current_episode_id = e.id`
)

func scanClient(s scanner) (model.Client, error) {
	var c model.Client
	var ep episodeCols
	err := s.Scan(&c.ID, &c.MRN, &c.FirstName, &c.LastName, &c.PreferredName, &c.Pronouns, &c.DateOfBirth, &c.SexAtBirth,
		&c.Phone, &c.Email, &c.Address, &c.EmergencyName, &c.EmergencyRel, &c.EmergencyPhn,
		&ep.id, &ep.programID, &ep.trackID, &ep.loc, &ep.adm, &ep.dis, &ep.status, &ep.counselor,
		&ep.progName, &ep.trackName, &ep.counselorName, &ep.minMinutes)
	c.Current = ep.episode(c.ID)
	return c, err
}

// scanListClient reads a row of listColumns.
func scanListClient(s scanner) (model.Client, error) {
	var c model.Client
	var ep episodeCols
	err := s.Scan(&c.ID, &c.MRN, &c.FirstName, &c.LastName, &c.PreferredName, &c.Pronouns, &c.DateOfBirth,
		&ep.id, &ep.trackID, &ep.loc, &ep.adm, &ep.dis, &ep.status, &ep.counselor,
		&ep.progName, &ep.trackName, &ep.counselorName)
	c.Current = ep.episode(c.ID)
	return c, err
}

// episodeCols holds the nullable columns of a client's current episode.
type episodeCols struct {
	id, programID, trackID, loc, status, counselor, progName, trackName, counselorName sql.NullString
	minMinutes                                                                         sql.NullInt64
	adm, dis                                                                           model.Date
}

func (ep episodeCols) episode(clientID string) *model.Episode {
	if !ep.id.Valid {
		return nil
	}
	return &model.Episode{
		ID: ep.id.String, ClientID: clientID, ProgramID: ep.programID.String, TrackID: ep.trackID.String,
		LevelOfCare: model.LevelOfCare(ep.loc.String), AdmissionDate: ep.adm, DischargeDate: ep.dis,
		Status: model.EpisodeStatus(ep.status.String), PrimaryCounselorID: ep.counselor.String,
		ProgramName: ep.progName.String, TrackName: ep.trackName.String, CounselorName: ep.counselorName.String,
		MinWeeklyMinutes: int(ep.minMinutes.Int64),
	}
}

// searchText is what client search matches against: names, record number,
// phone digits, email and date of birth, lower-cased.
func searchText(c model.Client) string {
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, c.Phone)
	return strings.ToLower(strings.Join([]string{c.FirstName, c.LastName, c.PreferredName, c.MRN, digits, c.Email,
		c.DateOfBirth.String()}, " "))
}

// CreateClient registers a client after validating the record, assigning its
// id and record number.
func (db *DB) CreateClient(ctx context.Context, c *model.Client, rec audit.Record) error {
	const op = "store.CreateClient"
	c.Normalize()
	if err := model.Invalid(op, c.Problems(model.DateOf(db.Now()))); err != nil {
		return err
	}
	c.ID = model.NewID()
	rec.Category, rec.Action, rec.ClientID = "client.demographics", audit.ActionCreate, c.ID
	return db.write(ctx, op, func(tx *sql.Tx) error { return db.insertClient(ctx, tx, c) }, &rec)
}

// insertClient assigns the next record number and inserts c, whose id is set.
func (db *DB) insertClient(ctx context.Context, tx *sql.Tx, c *model.Client) error {
	var n int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'mrn' RETURNING value`).Scan(&n); err != nil {
		return err
	}
	c.MRN = fmt.Sprintf("C-%06d", n)
	if c.CreatedAt.IsZero() {
		c.CreatedAt = db.Now()
	}
	c.UpdatedAt = c.CreatedAt
	_, err := tx.ExecContext(ctx, `INSERT INTO clients (id, mrn, first_name, last_name, preferred_name, pronouns, date_of_birth,
			sex_at_birth, phone, email, address, emergency_name, emergency_relationship, emergency_phone, search_text, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
		c.ID, c.MRN, c.FirstName, c.LastName, c.PreferredName, c.Pronouns, c.DateOfBirth, c.SexAtBirth,
		c.Phone, c.Email, c.Address, c.EmergencyName, c.EmergencyRel, c.EmergencyPhn, searchText(*c), c.CreatedAt)
	if err != nil {
		return err
	}
	return indexClientSearch(ctx, tx, c.ID, searchText(*c), false)
}

// ImportClients registers many clients with their episodes in one
// transaction, each with its own audit record: for demo data and loads from
// other systems, where a commit per client would take minutes. Every record
// is validated first; one invalid record stores nothing. Ids must be set.
func (db *DB) ImportClients(ctx context.Context, clients []model.Client, episodes []model.Episode, rec audit.Record) error {
	const op = "store.ImportClients"
	today := model.DateOf(db.Now())
	var recs []*audit.Record
	for i := range clients {
		c := &clients[i]
		c.Normalize()
		if err := model.Invalid(op, c.Problems(today)); err != nil {
			return fmt.Errorf("client %d (%s): %w", i+1, c.ID, err)
		}
		r := rec
		r.Category, r.Action, r.ClientID = "client.demographics", audit.ActionCreate, c.ID
		recs = append(recs, &r)
	}
	for i := range episodes {
		if err := model.Invalid(op, episodes[i].Problems()); err != nil {
			return fmt.Errorf("episode %d (%s): %w", i+1, episodes[i].ID, err)
		}
		r := rec
		r.Category, r.Action, r.ClientID, r.EntityID = "client.episode", audit.ActionCreate, episodes[i].ClientID, episodes[i].ID
		recs = append(recs, &r)
	}
	return db.write(ctx, op, func(tx *sql.Tx) error {
		for i := range clients {
			if err := db.insertClient(ctx, tx, &clients[i]); err != nil {
				return err
			}
		}
		touched := map[string]bool{}
		for i := range episodes {
			if err := db.insertEpisode(ctx, tx, &episodes[i]); err != nil {
				return err
			}
			if err := db.importEvents(ctx, tx, episodes[i]); err != nil {
				return err
			}
			touched[episodes[i].ClientID] = true
		}
		for id := range touched {
			if err := refreshCurrentEpisode(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	}, recs...)
}

// UpdateClient replaces a client's demographics and contacts after
// validating them. The record number and id never change.
func (db *DB) UpdateClient(ctx context.Context, c *model.Client, rec audit.Record) error {
	const op = "store.UpdateClient"
	c.Normalize()
	if err := model.Invalid(op, c.Problems(model.DateOf(db.Now()))); err != nil {
		return err
	}
	c.UpdatedAt = db.Now()
	rec.Category, rec.Action, rec.ClientID = "client.demographics", audit.ActionUpdate, c.ID
	return db.write(ctx, op, func(tx *sql.Tx) error {
		var mrn string
		if err := tx.QueryRowContext(ctx, `SELECT mrn FROM clients WHERE id = $1`, c.ID).Scan(&mrn); errors.Is(err, sql.ErrNoRows) {
			return model.NotFound(op, "client")
		} else if err != nil {
			return err
		}
		c.MRN = mrn
		_, err := tx.ExecContext(ctx, `UPDATE clients SET first_name = $1, last_name = $2, preferred_name = $3, pronouns = $4,
				date_of_birth = $5, sex_at_birth = $6, phone = $7, email = $8, address = $9, emergency_name = $10,
				emergency_relationship = $11, emergency_phone = $12, search_text = $13, updated_at = $14
			WHERE id = $15`,
			c.FirstName, c.LastName, c.PreferredName, c.Pronouns, c.DateOfBirth, c.SexAtBirth, c.Phone, c.Email, c.Address,
			c.EmergencyName, c.EmergencyRel, c.EmergencyPhn, searchText(*c), c.UpdatedAt, c.ID)
		if err != nil {
			return err
		}
		return indexClientSearch(ctx, tx, c.ID, searchText(*c), true)
	}, &rec)
}

// Client returns a client with their current episode and record times.
// (Lists leave the times out: parsing them is most of a row's cost.)
func (db *DB) Client(ctx context.Context, id string) (model.Client, error) {
	c, err := scanClient(db.queryRow(ctx, clientSelect+` WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, model.NotFound("store.Client", "client")
	}
	if err != nil {
		return c, model.Wrap("store.Client", model.KindInternal, err)
	}
	err = db.queryRow(ctx, `SELECT created_at, updated_at FROM clients WHERE id = $1`, id).Scan(&c.CreatedAt, &c.UpdatedAt)
	return c, model.Wrap("store.Client", model.KindInternal, err)
}

// ClientStatus filters clients by their current episode.
type ClientStatus string

// The client status filters.
const (
	StatusActive      ClientStatus = "active"     // in an open episode
	StatusDischarged  ClientStatus = "discharged" // last episode closed
	StatusNotAdmitted ClientStatus = "registered" // registered, never admitted
	StatusAny         ClientStatus = "all"
)

// ClientQuery selects clients for lists and search.
type ClientQuery struct {
	Text        string       // words that must each appear in the name, record number, phone, email or date of birth
	Status      ClientStatus // empty means any
	CounselorID string       // only clients whose open episode has this primary counselor
	// CareTeamOf, when set, keeps only clients this user may open under the
	// center's care-team rule at Now (see CareTeamAccess).
	CareTeamOf string
	Now        time.Time
	Limit      int
	Offset     int
}

// likeEscape escapes LIKE wildcards so user text matches literally.
var likeEscape = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SearchClients returns clients matching q by surname, and how many match in
// all (for paging). The clients carry what lists show: identity, record
// number, date of birth and the current episode; not contacts (use Client).
func (db *DB) SearchClients(ctx context.Context, q ClientQuery) ([]model.Client, int, error) {
	const op = "store.SearchClients"
	var where []string
	var args []any
	// byID: the conditions name the candidate clients, so the query should
	// start from them rather than from every client of a status.
	byID := false
	for i, word := range strings.Fields(strings.ToLower(q.Text)) {
		if i >= 8 {
			break // more words add nothing but cost
		}
		if cond := wordCandidates(word, &args); cond != "" {
			where, byID = append(where, cond), true
		}
		args = append(args, "%"+likeEscape.Replace(word)+"%")
		where = append(where, fmt.Sprintf(`c.search_text LIKE $%d ESCAPE '\'`, len(args)))
	}
	narrow := false
	if q.CareTeamOf != "" {
		on, err := db.CareTeamRule(ctx)
		if err != nil {
			return nil, 0, model.Wrap(op, model.KindInternal, err)
		}
		narrow = on
		byID = byID || on
	}
	switch q.Status {
	case StatusActive, StatusDischarged, StatusNotAdmitted:
		args = append(args, string(q.Status))
		status := `c.care_status = $%d`
		if byID {
			// An expression, not the column: SQLite then starts from the
			// candidates rather than every client of that status.
			status = `c.care_status || '' = $%d`
		}
		where = append(where, fmt.Sprintf(status, len(args)))
	}
	from := clientsFrom
	if q.CounselorID != "" {
		from = caseloadFrom
		args = append(args, q.CounselorID)
		where = append(where, fmt.Sprintf(`e.status = 'active' AND e.primary_counselor_id = $%d`, len(args)))
	}
	if q.CareTeamOf != "" {
		args = append(args, q.CareTeamOf, q.Now.UTC())
		user, now := fmt.Sprintf("$%d", len(args)-1), fmt.Sprintf("$%d", len(args))
		if narrow {
			where = append(where, "c.id IN ("+careTeamClientsSQL(user, now, q.Status == StatusAny || q.Status == StatusNotAdmitted || q.Status == "")+")")
		}
		where = append(where, careTeamSQL("c.id", user, now))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	// A page holds 50 by default and at most 200: a larger ask gets 200,
	// not the default.
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = 50
	case limit > 200:
		limit = 200
	}
	offset := max(q.Offset, 0)
	rows, err := db.query(ctx, listColumns+from+episodeJoins+cond+
		fmt.Sprintf(` ORDER BY c.last_name, c.first_name, c.id LIMIT %d OFFSET %d`, limit, offset), args...)
	if err != nil {
		return nil, 0, model.Wrap(op, model.KindInternal, err)
	}
	defer rows.Close()
	var out []model.Client
	for rows.Next() {
		c, err := scanListClient(rows)
		if err != nil {
			return nil, 0, model.Wrap(op, model.KindInternal, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, model.Wrap(op, model.KindInternal, err)
	}
	// A page that is not full tells the total without counting (most
	// searches and caseloads); only a full or empty-after-offset page
	// needs the count.
	if len(out) > 0 && len(out) < limit || len(out) == 0 && offset == 0 {
		return out, offset + len(out), nil
	}
	var total int
	countFrom := from
	if q.CounselorID == "" {
		countFrom = ` FROM clients c` // no condition reads the episode; the index on care_status answers alone
	}
	countSQL := `SELECT COUNT(*)` + countFrom + cond
	if err := db.queryRow(ctx, countSQL, args...).Scan(&total); err != nil {
		return nil, 0, model.Wrap(op, model.KindInternal, err)
	}
	return out, total, nil
}

// CreateEpisode admits a client to a program, assigning the episode's id. A
// second open episode in the same program is a conflict.
func (db *DB) CreateEpisode(ctx context.Context, e *model.Episode, rec audit.Record) error {
	const op = "store.CreateEpisode"
	if e.Status == "" {
		e.Status = model.EpisodeActive
	}
	if err := model.Invalid(op, e.Problems()); err != nil {
		return err
	}
	e.ID = model.NewID()
	rec.Category, rec.Action, rec.ClientID, rec.EntityID = "client.episode", audit.ActionCreate, e.ClientID, e.ID
	err := db.write(ctx, op, func(tx *sql.Tx) error {
		if err := db.insertEpisode(ctx, tx, e); err != nil {
			return err
		}
		if err := db.importEvents(ctx, tx, *e); err != nil {
			return err
		}
		return refreshCurrentEpisode(ctx, tx, e.ClientID)
	}, &rec)
	if isUniqueViolation(err) {
		return &model.Error{Op: op, Kind: model.KindConflict, Msg: "the client already has an open episode in this program"}
	}
	return err
}

func (db *DB) insertEpisode(ctx context.Context, tx *sql.Tx, e *model.Episode) error {
	var discharge, reviewDue any
	if !e.DischargeDate.IsZero() {
		discharge = e.DischargeDate
	}
	if e.Status == model.EpisodeActive && !e.ReviewDue.IsZero() {
		reviewDue = e.ReviewDue
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO episodes (id, client_id, program_id, track_id, level_of_care, admission_date,
			discharge_date, status, primary_counselor_id, diagnoses, review_due, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
		e.ID, e.ClientID, e.ProgramID, nullable(e.TrackID), string(e.LevelOfCare), e.AdmissionDate, discharge,
		string(e.Status), nullable(e.PrimaryCounselorID), strings.Join(e.Diagnoses, " "), reviewDue, db.Now())
	return err
}

// importEvents writes the history an imported episode starts with: its
// admission and, if it is closed, its discharge.
func (db *DB) importEvents(ctx context.Context, tx *sql.Tx, e model.Episode) error {
	if err := db.insertEvent(ctx, tx, care.Event{EpisodeID: e.ID, Kind: care.Admission, Date: e.AdmissionDate,
		ToLevel: e.LevelOfCare, ToTrackID: e.TrackID, Reason: "Imported"}); err != nil {
		return err
	}
	if e.Status != model.EpisodeDischarged {
		return nil
	}
	return db.insertEvent(ctx, tx, care.Event{EpisodeID: e.ID, Kind: care.Discharged, Date: e.DischargeDate,
		FromLevel: e.LevelOfCare, FromTrackID: e.TrackID, Reason: "Imported"})
}

// refreshCurrentEpisode points the client row at its current episode (the
// open one, else the most recent) and copies that episode's status. Every
// change to a client's episodes calls it in the same transaction.
func refreshCurrentEpisode(ctx context.Context, tx *sql.Tx, clientID string) error {
	const pick = `FROM episodes e WHERE e.client_id = $1
		ORDER BY CASE WHEN e.status = 'active' THEN 0 ELSE 1 END, e.admission_date DESC, e.id DESC LIMIT 1`
	_, err := tx.ExecContext(ctx, `UPDATE clients SET current_episode_id = (SELECT e.id `+pick+`),
		care_status = COALESCE((SELECT e.status `+pick+`), 'registered') WHERE id = $1`, clientID)
	return err
}

// Episodes lists a client's episodes, newest first.
func (db *DB) Episodes(ctx context.Context, clientID string) ([]model.Episode, error) {
	rows, err := db.query(ctx, episodeSelect+` WHERE e.client_id = $1 ORDER BY e.admission_date DESC, e.id DESC`, clientID)
	if err != nil {
		return nil, model.Wrap("store.Episodes", model.KindInternal, err)
	}
	defer rows.Close()
	var out []model.Episode
	for rows.Next() {
		e, err := scanEpisode(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountClients returns how many clients are registered.
func (db *DB) CountClients(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM clients`).Scan(&n)
	return n, err
}
