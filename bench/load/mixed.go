package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to read back a PostgreSQL run
	_ "modernc.org/sqlite"             // the "sqlite" driver, to read back the demo's file
)

// The mixed workload's targets and shares (issue 14).
const (
	targetMixedRatio = 0.10
	targetMixedP99ms = 50.0
	// mixedKeyPrefix starts every submission key the mixed workload sends, so
	// that the check afterwards finds its own writes and no others.
	mixedKeyPrefix = "mixed-"
	// mixedNoteTopic starts every group-note draft the mixed workload saves;
	// the submission key follows it.
	mixedNoteTopic = "Load test note "
	// mixedSlots caps the meetings the writes rotate over.
	mixedSlots = 24
)

// A request kind of the mixed workload. The five page reads come first.
type mixKind int

const (
	mixHome mixKind = iota
	mixClients
	mixChart
	mixWeek
	mixSheet
	mixSearch
	mixAttendance
	mixNote
	mixLogin
	mixKinds
)

var mixNames = [mixKinds]string{"home", "clients", "chart", "week", "sheet", "search", "attendance", "note", "login"}

// mixShares is each kind's share in percent: 70 for the five pages, 15
// searches, 10 writes (attendance and notes), 5 sign-ins.
var mixShares = [mixKinds]int{14, 14, 14, 14, 14, 15, 5, 5, 5}

// mixPlan is the order of 100 requests that every wrk thread repeats: each
// kind as often as its share, shuffled by a fixed seed so that the kinds are
// spread out, starting with a page read (wrk calls request() once before the
// run to test for pipelining and throws that request away, so the first must
// not be a write whose key would then be missing).
func mixPlan() []mixKind {
	var plan []mixKind
	for k, n := range mixShares {
		for range n {
			plan = append(plan, mixKind(k))
		}
	}
	seed := uint64(2026)
	for i := len(plan) - 1; i > 0; i-- { // Fisher–Yates with xorshift: deterministic, not for secrets
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		j := int(seed % uint64(i+1)) // #nosec G115 -- i+1 ≤ 100
		plan[i], plan[j] = plan[j], plan[i]
	}
	for i, k := range plan {
		if k < mixSearch {
			plan[0], plan[i] = plan[i], plan[0]
			break
		}
	}
	return plan
}

// meeting is a group meeting the clinician may take attendance and write a
// note for, with the clients on its roster.
type meeting struct {
	Series, Date string
	Clients      []string
}

func (m meeting) slot() string { return m.Series + " " + m.Date }
func (m meeting) attendancePath() string {
	return "/program/groups/" + m.Series + "/attendance?date=" + m.Date
}
func (m meeting) notePath() string { return "/program/groups/" + m.Series + "/note?date=" + m.Date }

// attendanceBody marks everyone on the roster present: every write to the
// meeting stores the same marks, only its submission key differs.
func (m meeting) attendanceBody() string {
	v := url.Values{}
	for _, c := range m.Clients {
		v.Add("client", c)
		v.Set("status_"+c, "present")
	}
	return v.Encode()
}

var (
	sheetLink  = regexp.MustCompile(`/program/groups/([0-9a-f-]{36})/attendance\?date=([0-9]{4}-[0-9]{2}-[0-9]{2})`)
	rosterItem = regexp.MustCompile(`name="client" value="([0-9a-f-]{36})"`)
)

// findMeetings collects meetings for the writes from the week view of this
// week and the five before it, and keeps those where one attendance save and
// one note draft succeed now (a meeting still to come takes only absences; a
// signed note takes only addenda).
func findMeetings(ctx context.Context, base, cookie string, now time.Time) ([]meeting, error) {
	seen := map[string]bool{}
	var out []meeting
	for week := 0; week < 6 && len(out) < mixedSlots; week++ {
		day := now.AddDate(0, 0, -7*week).Format("2006-01-02")
		body, err := fetch(ctx, "GET", base+"/schedule?date="+day, cookie, "", "")
		if err != nil {
			return nil, err
		}
		for _, m := range sheetLink.FindAllStringSubmatch(body, -1) {
			mt := meeting{Series: m[1], Date: m[2]}
			if seen[mt.slot()] || len(out) >= mixedSlots {
				continue
			}
			seen[mt.slot()] = true
			sheet, err := fetch(ctx, "GET", base+mt.attendancePath(), cookie, "", "")
			if err != nil {
				return nil, err
			}
			for _, c := range rosterItem.FindAllStringSubmatch(sheet, -1) {
				mt.Clients = append(mt.Clients, c[1])
			}
			if len(mt.Clients) == 0 {
				continue
			}
			if _, err := fetch(ctx, "POST", base+mt.attendancePath(), cookie, mt.attendanceBody(), base); err != nil {
				continue
			}
			if _, err := fetch(ctx, "POST", base+mt.notePath(), cookie, noteBody("setup"), base); err != nil {
				continue
			}
			out = append(out, mt)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no meeting in the last six weeks of /schedule takes both an attendance save and a note draft")
	}
	return out, nil
}

func noteBody(key string) string {
	return url.Values{"topic": {mixedNoteTopic + key}, "action": {"draft"}, "idempotency_key": {key}}.Encode()
}

// fetch makes one request with the cookie and wants 200, or a 303 that does
// not lead to the sign-in page; it returns the body.
func fetch(ctx context.Context, method, u, cookie, body, origin string) (string, error) {
	t := target{Method: method, URL: u, Body: body, Origin: origin}
	req, err := t.request(ctx, cookie)
	if err != nil {
		return "", err
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	loc := resp.Header.Get("Location")
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusSeeOther && !strings.HasPrefix(loc, "/login") {
		return string(b), nil
	}
	return "", fmt.Errorf("%s %s: %s %s", method, u, resp.Status, loc)
}

// mixSetup is what the mixed script needs.
type mixSetup struct {
	Base, Cookie, Search string
	Pages                [mixSearch]string // paths of the five page reads, by kind
	Meetings             []meeting
	LogDir               string // the script writes mixed-<label>-<thread>.log here
}

// mixedScript is the wrk Lua script of the mixed workload. Each thread walks
// mixPlan; every write carries a submission key of its own (the store
// records it in the write's transaction) and the script logs every write
// and sign-in it sends and every answer it gets, for the check afterwards.
func mixedScript(s mixSetup) string {
	var b strings.Builder
	b.WriteString("-- written by bench/load: the mixed workload (issue 14)\n")
	b.WriteString("local plan = {")
	for i, k := range mixPlan() {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprint(&b, int(k)+1)
	}
	b.WriteString("}\n")
	b.WriteString("local pages = {")
	for i, p := range s.Pages {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(luaString(p))
	}
	b.WriteString("}\n")
	b.WriteString("local meetings = {\n")
	for _, m := range s.Meetings {
		fmt.Fprintf(&b, "  {slot = %s, sheet = %s, note = %s, marks = %s},\n",
			luaString(m.slot()), luaString(m.attendancePath()), luaString(m.notePath()), luaString(m.attendanceBody()))
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "local cookie = %s\n", luaString(s.Cookie))
	fmt.Fprintf(&b, "local origin = %s\n", luaString(s.Base))
	fmt.Fprintf(&b, "local search = %s\n", luaString(url.Values{"q": {s.Search}, "status": {"all"}}.Encode()))
	fmt.Fprintf(&b, "local signin = %s\n", luaString(url.Values{"email": {clinicianEmail}, "password": {clinicianPassword}}.Encode()))
	fmt.Fprintf(&b, "local logdir = %s\n", luaString(s.LogDir))
	fmt.Fprintf(&b, "local topic = %s\n", luaString(url.QueryEscape(mixedNoteTopic)))
	fmt.Fprintf(&b, "local prefix = %s\n", luaString(mixedKeyPrefix))
	b.WriteString(mixedLua)
	return b.String()
}

// mixedLua is the script's fixed part. setup() runs in wrk's main Lua state
// and numbers the threads; init() opens the thread's log, line-buffered so
// that every line is on disk when wrk exits.
const mixedLua = `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local n, writes, label, log = 0, 0, "run", nil
local get = {["Cookie"] = cookie}
local post = {["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Origin"] = origin, ["Sec-Fetch-Site"] = "same-origin"}
local signinHeaders = {["Content-Type"] = "application/x-www-form-urlencoded",
  ["Origin"] = origin, ["Sec-Fetch-Site"] = "same-origin"}

function init(args)
  label = args[1] or "run"
  log = assert(io.open(logdir .. "/mixed-" .. label .. "-" .. thread_number .. ".log", "w"))
  log:setvbuf("line")
end

function request()
  n = n + 1
  local k = plan[(n - 1) % #plan + 1]
  if k <= 5 then
    log:write("sent ", k, "\n")
    return wrk.format("GET", pages[k], get)
  elseif k == 6 then
    log:write("sent 6\n")
    return wrk.format("POST", "/clients/search", post, search)
  elseif k == 9 then
    log:write("sent 9\n")
    return wrk.format("POST", "/login", signinHeaders, signin)
  end
  writes = writes + 1
  local m = meetings[(writes - 1) % #meetings + 1]
  local key = string.format("%s%s-%d-%07d", prefix, label, thread_number, writes)
  log:write("sent ", k, " ", key, " ", m.slot, "\n")
  if k == 7 then
    return wrk.format("POST", m.sheet, post, m.marks .. "&idempotency_key=" .. key)
  end
  return wrk.format("POST", m.note, post, "action=draft&topic=" .. topic .. key .. "&idempotency_key=" .. key)
end

function response(status, headers, body)
  log:write("got ", status, " ", headers["Location"] or "-", "\n")
end
`

// mixLog is what the mixed script's logs say.
type mixLog struct {
	Sent     [mixKinds]int64
	Statuses map[int]int64
	SignIns  int64 // 303 to /home: a sign-in that worked
	ToSignIn int64 // 303 to /login: a session the server did not take, an error
	// Writes are the keys sent, by meeting slot and kind; Acks the writes
	// answered 303 to their page with saved=, by slot and kind.
	Writes map[writeSlot][]string
	Acks   map[writeSlot]int64
}

type writeSlot struct {
	Kind mixKind
	Slot string // series id, a space, the meeting's date
}

func newMixLog() *mixLog {
	return &mixLog{Statuses: map[int]int64{}, Writes: map[writeSlot][]string{}, Acks: map[writeSlot]int64{}}
}

// read adds one thread's log.
func (l *mixLog) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "sent" && len(f) >= 2:
			var k int
			if _, err := fmt.Sscan(f[1], &k); err != nil || k < 1 || k > int(mixKinds) {
				return fmt.Errorf("mixed log: bad line %q", sc.Text())
			}
			kind := mixKind(k - 1)
			l.Sent[kind]++
			if kind == mixAttendance || kind == mixNote {
				if len(f) != 5 {
					return fmt.Errorf("mixed log: bad line %q", sc.Text())
				}
				ws := writeSlot{kind, f[3] + " " + f[4]}
				l.Writes[ws] = append(l.Writes[ws], f[2])
			}
		case f[0] == "got" && len(f) == 3:
			var status int
			if _, err := fmt.Sscan(f[1], &status); err != nil {
				return fmt.Errorf("mixed log: bad line %q", sc.Text())
			}
			l.Statuses[status]++
			if status != http.StatusSeeOther {
				continue
			}
			if ws, ok := ackOf(f[2]); ok {
				l.Acks[ws]++
			} else if f[2] == "/home" {
				l.SignIns++
			} else if strings.HasPrefix(f[2], "/login") {
				l.ToSignIn++
			}
		default:
			return fmt.Errorf("mixed log: bad line %q", sc.Text())
		}
	}
	return sc.Err()
}

var ackLocation = regexp.MustCompile(`^/program/groups/([0-9a-f-]{36})/(attendance|note)\?date=([0-9]{4}-[0-9]{2}-[0-9]{2})&saved=(1|draft)$`)

// ackOf reads a write's success answer: the 303 back to the sheet with
// saved=1, or to the note with saved=draft.
func ackOf(location string) (writeSlot, bool) {
	m := ackLocation.FindStringSubmatch(location)
	if m == nil {
		return writeSlot{}, false
	}
	kind := mixAttendance
	if m[2] == "note" {
		if m[4] != "draft" {
			return writeSlot{}, false
		}
		kind = mixNote
	} else if m[4] != "1" {
		return writeSlot{}, false
	}
	return writeSlot{kind, m[1] + " " + m[3]}, true
}

// readMixLogs reads every thread's logs of the runs labelled (warm-up and
// measured run alike: all their acked writes must be in the database).
func readMixLogs(dir string) (*mixLog, error) {
	files, err := filepath.Glob(filepath.Join(dir, "mixed-*.log"))
	if err != nil {
		return nil, err
	}
	l := newMixLog()
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		err = l.read(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return l, nil
}

// ackCheck is whether the acked writes are in the database.
type ackCheck struct {
	Acked int64 `json:"acked"`
	Found int64 `json:"found"`
	// Unsure are acked writes in slots that also had writes without an
	// answer (cut off when wrk stopped, or refused): wrk does not say which
	// answer belongs to which request, so there only the count is checked.
	Unsure int64 `json:"unsure"`
	// Unanswered are writes that committed beyond the acks in their slot:
	// requests in flight when wrk stopped (at most --connections a run),
	// finished by the server after wrk stopped listening.
	Unanswered int64 `json:"committed_unanswered"`
	// NotesWrong are meetings whose note, after the run, is not the draft of
	// a write that committed there.
	NotesWrong int `json:"notes_wrong"`
	Notes      int `json:"notes"`
}

func (c ackCheck) ok() bool { return c.Acked > 0 && c.Found == c.Acked && c.NotesWrong == 0 }

// checkAcks compares the acked writes with the keys the database recorded
// (committed) and the note each meeting holds (notes: slot -> topic). In a
// slot where every write was acked, every key sent must be found; in the
// others at least as many keys as acks.
func checkAcks(l *mixLog, committed map[string]bool, notes map[string]string) ackCheck {
	var c ackCheck
	for ws, keys := range l.Writes {
		acked := l.Acks[ws]
		var found int64
		for _, k := range keys {
			if committed[k] {
				found++
			}
		}
		c.Acked += acked
		if acked < int64(len(keys)) {
			c.Unsure += acked
		}
		c.Found += min(found, acked)
		c.Unanswered += max(found-acked, 0)
		if ws.Kind != mixNote || found == 0 {
			continue
		}
		c.Notes++
		key, ok := strings.CutPrefix(notes[ws.Slot], mixedNoteTopic)
		if !ok || !committed[key] || !contains(keys, key) {
			c.NotesWrong++
		}
	}
	for ws, acked := range l.Acks { // answers for writes never logged as sent
		if _, ok := l.Writes[ws]; !ok {
			c.Acked += acked
		}
	}
	return c
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// readCommitted reads, after the server has stopped, the submission keys of
// the mixed workload's writes and the notes of its meetings.
func readCommitted(ctx context.Context, driver, dsn string, meetings []meeting) (map[string]bool, map[string]string, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	committed := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT key FROM submissions WHERE key LIKE $1`, mixedKeyPrefix+"%")
	if err != nil {
		return nil, nil, fmt.Errorf("reading submissions: %w", err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, nil, err
		}
		committed[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	notes := map[string]string{}
	for _, m := range meetings {
		var topic sql.NullString
		err := db.QueryRowContext(ctx, `SELECT topic FROM group_notes WHERE series_id = $1 AND CAST(occurrence_date AS TEXT) = $2`,
			m.Series, m.Date).Scan(&topic)
		if err != nil && err != sql.ErrNoRows {
			return nil, nil, fmt.Errorf("reading the note of %s: %w", m.slot(), err)
		}
		notes[m.slot()] = topic.String
	}
	return committed, notes, nil
}

// mixed is the mixed workload's run and its check.
type mixed struct {
	Result   result           `json:"result"`
	Meetings int              `json:"meetings"`
	Sent     map[string]int64 `json:"sent_by_kind"`
	SignIns  int64            `json:"sign_ins_ok"`
	ToSignIn int64            `json:"answered_with_sign_in"`
	Acks     ackCheck         `json:"acked_writes"`
	// SignInShare is sign-ins' share of the server's request time.
	SignInShare float64 `json:"sign_in_time_share"`
	ReadError   string  `json:"read_error,omitempty"`
}

// errors counts every failed answer: wrk's non-2xx/3xx and socket errors,
// and answers that sent a signed-in request to the sign-in page.
func (m *mixed) failures() int64 {
	return m.Result.Non2xx + m.Result.SocketErrors.total() + m.ToSignIn
}

// checkMixed reads the script's logs and, with the server stopped, the
// database, and fills in what the mixed run sent, got and left stored.
func checkMixed(ctx context.Context, m *mixed, dir string, dbArgs []string, o options) {
	l, err := readMixLogs(dir)
	if err != nil {
		m.ReadError = err.Error()
		return
	}
	m.Sent = map[string]int64{}
	for k, n := range l.Sent {
		m.Sent[mixNames[k]] = n
	}
	m.SignIns, m.ToSignIn = l.SignIns, l.ToSignIn
	var total float64
	for _, s := range m.Result.RouteSeconds {
		total += s
	}
	if total > 0 {
		m.SignInShare = m.Result.RouteSeconds["POST /login"] / total
	}
	driver, dsn := "sqlite", "file:"+filepath.ToSlash(filepath.Join(dbArgs[1], "openiop.db"))+"?mode=ro&_pragma=query_only(1)"
	if o.databaseURL != "" {
		driver, dsn = "pgx", o.databaseURL
	}
	var meetings []meeting
	for ws := range l.Writes {
		if ws.Kind == mixNote {
			series, date, _ := strings.Cut(ws.Slot, " ")
			meetings = append(meetings, meeting{Series: series, Date: date})
		}
	}
	committed, notes, err := readCommitted(ctx, driver, dsn, meetings)
	if err != nil {
		m.ReadError = err.Error()
		return
	}
	m.Acks = checkAcks(l, committed, notes)
}

// mixedSummary is the line under the table for the mixed run.
func mixedSummary(m *mixed) string {
	if m.ReadError != "" {
		return "mixed           could not check the writes: " + m.ReadError
	}
	var sent []string
	for k, name := range mixNames {
		sent = append(sent, fmt.Sprintf("%s %d", name, m.Sent[mixNames[k]]))
	}
	s := fmt.Sprintf("mixed           sent (warm-up and run, by the script's log) %s; %d sign-ins succeeded; %d answers sent a signed-in request to the sign-in page\n",
		strings.Join(sent, ", "), m.SignIns, m.ToSignIn)
	s += fmt.Sprintf("mixed           acked writes: %d, found: %d", m.Acks.Acked, m.Acks.Found)
	if m.Acks.Unsure > 0 {
		s += fmt.Sprintf(" (%d of them in meetings that also had unanswered writes, checked by count)", m.Acks.Unsure)
	}
	s += fmt.Sprintf("; %d more committed without an answer wrk saw (in flight when it stopped)", m.Acks.Unanswered)
	s += fmt.Sprintf("; %d notes hold a committed draft of the run, %d do not", m.Acks.Notes-m.Acks.NotesWrong, m.Acks.NotesWrong)
	s += fmt.Sprintf("\nmixed           sign-ins (5%% of requests) took %.0f%% of the server's request time", 100*m.SignInShare)
	if m.SignInShare >= 0.25 {
		s += ": password hashing is slow by design and dominates the mix"
	}
	return s
}

// mixedVerdict is the mixed workload's target line.
func mixedVerdict(m *mixed) verdict {
	v := verdict{Target: fmt.Sprintf("mixed workload: ratio ≥ %.2f, p99 ≤ %.0f ms, 0 errors, acked writes present", targetMixedRatio, targetMixedP99ms)}
	if m == nil {
		v.Note = " (not run: --only leaves it out)"
		return v
	}
	errs := m.failures()
	v.Measured = fmt.Sprintf("ratio %s, p99 %.1f ms, %d errors, acked writes %d, found %d", ratio(m.Result.Ratio), m.Result.P99ms, errs, m.Acks.Acked, m.Acks.Found)
	if m.ReadError != "" {
		v.Measured += " (" + m.ReadError + ")"
	}
	v.Pass = m.Result.Ratio >= targetMixedRatio && m.Result.P99ms <= targetMixedP99ms && errs == 0 && m.ReadError == "" && m.Acks.ok()
	return v
}
