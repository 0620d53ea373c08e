package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/openiop/openiop/internal/audit"
	"github.com/openiop/openiop/internal/config"
	"github.com/openiop/openiop/internal/model"
	"github.com/openiop/openiop/internal/schedule/builder"
	"github.com/openiop/openiop/internal/store"
)

// scheduleCmd proposes a site's week with the schedule builder and, with
// --apply, makes the proposal's enrolment changes and books its individual
// sessions.
func scheduleCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var site, week, widen, addGroup string
	var apply bool
	var seed int
	d, err := parseCommand("schedule", args, getenv, stderr, func(fs *config.FlagSet) {
		fs.String(&site, "site", "", "the site to plan, by name or id")
		fs.String(&week, "week", "", "the ISO week to plan, e.g. 2026-W49")
		fs.Bool(&apply, "apply", false, "make the proposed enrolment changes and book the planned individual sessions (without it nothing changes)")
		fs.Int(&seed, "seed", 1, "search seed: the same data and seed give the same proposal")
		fs.String(&widen, "what-if-widen", "", `show what would change if a client were free at more times, e.g. "Ana Ruiz: Tue 18:00-21:00; Thu 18:00-21:00" (changes nothing)`)
		fs.String(&addGroup, "what-if-add-group", "", `show what would change with one more group, e.g. "Evening, process, 12 seats: Tue 18:00-21:00; Thu 18:00-21:00" (track, optionally "process" and seats; changes nothing)`)
	})
	if err != nil {
		return err
	}
	if site == "" || week == "" {
		return UsageError{"usage: iop schedule --site SITE --week YYYY-Www [--apply]"}
	}
	monday, err := builder.ParseWeek(week)
	if err != nil {
		return UsageError{"--week: " + err.Error()}
	}
	db, err := openStore(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	sites, err := db.Sites(ctx)
	if err != nil {
		return err
	}
	var siteID, siteName string
	var names []string
	for _, s := range sites {
		names = append(names, s.Name)
		if s.ID == site || strings.EqualFold(s.Name, site) {
			siteID, siteName = s.ID, s.Name
		}
	}
	if siteID == "" {
		return UsageError{fmt.Sprintf("--site: no site %q (the sites are: %s)", site, strings.Join(names, ", "))}
	}
	if seed < 0 {
		return UsageError{fmt.Sprintf("--seed must be 0 or more, not %d", seed)}
	}
	if widen != "" && apply {
		return UsageError{"--what-if-widen only shows what a change would do; run --apply without it"}
	}
	if addGroup != "" && apply {
		return UsageError{"--what-if-add-group only shows what a change would do; run --apply without it"}
	}
	p, err := proposeWeek(ctx, db, siteID, monday, uint64(seed), cliRecord("iop schedule")) // #nosec G115 -- not negative, checked above
	if err != nil {
		return err
	}
	printProposal(stdout, siteName, p)
	if widen != "" {
		if err := printWhatIfWiden(ctx, stdout, p, widen, uint64(seed)); err != nil { // #nosec G115 -- not negative, checked above
			return err
		}
	}
	if addGroup != "" {
		if err := printWhatIfAddGroup(ctx, stdout, p, addGroup, uint64(seed)); err != nil { // #nosec G115 -- not negative, checked above
			return err
		}
	}
	if widen != "" || addGroup != "" {
		fmt.Fprintln(stdout, "Nothing was changed: this only shows the effect.")
		return nil
	}
	if !apply {
		fmt.Fprintln(stdout, "\nNothing was changed. Run again with --apply to make these changes.")
		return nil
	}
	if err := db.ApplyWeekPlan(ctx, p.Moves, cliRecord("iop schedule --apply")); err != nil {
		return fmt.Errorf("applying the proposal: %s", model.UserMessage(err))
	}
	changed, sessions := 0, 0
	for _, m := range p.Moves {
		if len(m.Join)+len(m.Leave) > 0 {
			changed++
		}
		sessions += len(m.Sessions)
	}
	fmt.Fprintf(stdout, "\nApplied: %d clients' enrolments changed, %d individual sessions booked.\n", changed, sessions)
	return nil
}

// proposal is a solved week with what it needs to be shown.
type proposal struct {
	Week     string
	Instance *builder.Instance
	Result   *builder.Result
	Moves    []builder.Move
	Calendar builder.Calendar
	names    map[string]string // clients and counselors, by id
	groups   map[string]builder.Group
}

func proposeWeek(ctx context.Context, db *store.DB, siteID string, monday model.Date, seed uint64, rec audit.Record) (*proposal, error) {
	cal, err := db.WeekCalendar(ctx, siteID, monday)
	if err != nil {
		return nil, err
	}
	if err := db.AppendAudit(ctx, store.WeekCalendarAudit(cal, rec)); err != nil {
		return nil, err
	}
	in := builder.FromCalendar(cal)
	r, err := builder.Solve(ctx, in, builder.WeekOptions(seed))
	if err != nil {
		return nil, err
	}
	p := &proposal{Week: in.Week, Instance: in, Result: r, Moves: builder.Diff(in, r), Calendar: cal, names: map[string]string{}, groups: map[string]builder.Group{}}
	for _, c := range in.Clients {
		p.names[c.ID] = c.Name
	}
	for _, k := range in.Counselors {
		p.names[k.ID] = k.Name
	}
	for _, g := range in.Groups {
		p.groups[g.ID] = g
	}
	return p, nil
}

func (p *proposal) group(id string) string {
	g := p.groups[id]
	return fmt.Sprintf("%s (%s)", g.Label(), g.When())
}

func printProposal(w io.Writer, site string, p *proposal) {
	o := p.Result.Objective
	fmt.Fprintf(w, "Week %s at %s: %d clients, %d groups.\n", p.Week, site, o.Clients, len(p.Instance.Groups))
	fmt.Fprintf(w, "Meeting their weekly minimum: %d of %d.\n", o.Met, o.Clients)
	fmt.Fprintf(w, "Kept in their process group: %d of %d who still fit it.\n", o.Kept, o.KeepPossible)
	fmt.Fprintf(w, "Current enrolments kept: %d of %d.\n", o.EnrolmentsKept, o.Enrolments)
	fmt.Fprintf(w, "Objective (lexicographic): met %d, continuity %d, preference %d, balance %d.\n", o.Met, o.Continuity, o.Preference, o.Balance)
	if len(p.Moves) == 0 {
		fmt.Fprintln(w, "\nNo changes to enrolments and no individual sessions to book.")
	} else {
		fmt.Fprintf(w, "\nChanges to enrolments and individual sessions to book (%d clients):\n", len(p.Moves))
		for _, m := range p.Moves {
			fmt.Fprintf(w, "  %s\n", p.names[m.Client])
			for _, g := range m.Join {
				fmt.Fprintf(w, "    + joins %s\n", p.group(g))
			}
			for _, g := range m.Leave {
				fmt.Fprintf(w, "    - leaves %s, because %s\n", p.group(g), m.Why[g])
			}
			for _, b := range m.Sessions {
				fmt.Fprintf(w, "    * individual session with %s: %s (%s)\n", p.names[b.Counselor], b.Span, b.Date.Format("Jan 2"))
			}
		}
	}
	if len(p.Result.Short) == 0 {
		fmt.Fprintln(w, "\nEvery client meets their weekly minimum.")
		return
	}
	fmt.Fprintf(w, "\nShort of their weekly minimum (%d):\n", len(p.Result.Short))
	for _, s := range p.Result.Short {
		fmt.Fprintf(w, "  %s: %s of %s\n", p.names[s.Client], hoursOf(s.Minutes), hoursOf(s.Need))
		for _, r := range s.Reasons {
			fmt.Fprintf(w, "    why: %s\n", r)
		}
		for _, h := range s.Helps {
			fmt.Fprintf(w, "    would help: %s\n", h)
		}
	}
}

func hoursOf(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%.1f h", float64(m)/60)
}

// printWhatIfWiden solves the week again with one client's availability
// widened, as "NAME OR ID: Tue 18:00-21:00; Thu 18:00-21:00", and says how
// many more clients would meet their minimum. Nothing is stored.
func printWhatIfWiden(ctx context.Context, w io.Writer, p *proposal, spec string, seed uint64) error {
	who, windows, ok := strings.Cut(spec, ":")
	who = strings.TrimSpace(who)
	if !ok || who == "" || strings.TrimSpace(windows) == "" {
		return UsageError{`--what-if-widen: give a client and windows, e.g. "Ana Ruiz: Tue 18:00-21:00"`}
	}
	clientID, named := "", 0
	for _, c := range p.Instance.Clients {
		if c.ID == who {
			clientID, named = c.ID, 1
			break
		}
		if strings.EqualFold(c.Name, who) {
			clientID, named = c.ID, named+1
		}
	}
	if named > 1 {
		return UsageError{fmt.Sprintf("--what-if-widen: %d clients this week are named %q; give the client's id instead", named, who)}
	}
	if clientID == "" {
		return UsageError{fmt.Sprintf("--what-if-widen: no client %q is planned this week", who)}
	}
	var spans []builder.Span
	var labels []string
	for _, part := range strings.Split(windows, ";") {
		span, err := builder.ParseSpan(part)
		if err != nil {
			return UsageError{"--what-if-widen: " + err.Error()}
		}
		spans = append(spans, span)
		labels = append(labels, span.String())
	}
	e, err := builder.WhatIf(ctx, p.Instance, p.Result, builder.Change{Widen: &builder.Widen{Client: clientID, Spans: spans}}, builder.WeekOptions(seed))
	if err != nil {
		return UsageError{"--what-if-widen: " + err.Error()}
	}
	fmt.Fprintf(w, "\nWhat if %s were also free %s:\n", p.names[clientID], strings.Join(labels, ", "))
	p.printEffect(w, e)
	for _, s := range e.Result.Short {
		if s.Client == clientID {
			fmt.Fprintf(w, "  %s would still be short: %s of %s.\n", p.names[clientID], hoursOf(s.Minutes), hoursOf(s.Need))
			return nil
		}
	}
	fmt.Fprintf(w, "  %s would meet their weekly minimum.\n", p.names[clientID])
	return nil
}

// printEffect says how many clients a what-if would bring to their
// minimum, and who.
func (p *proposal) printEffect(w io.Writer, e builder.Effect) {
	fmt.Fprintf(w, "  meeting their weekly minimum: %d of %d (now %d, %+d).\n", e.Met, e.Clients, p.Result.Objective.Met, e.Gained)
	for _, l := range []struct {
		what string
		ids  []string
	}{{"would newly meet it", e.Newly}, {"would no longer meet it", e.NoLonger}} {
		if len(l.ids) == 0 {
			continue
		}
		names := make([]string, len(l.ids))
		for i, id := range l.ids {
			names[i] = p.names[id]
		}
		fmt.Fprintf(w, "  %s: %s.\n", l.what, strings.Join(names, ", "))
	}
}

// printWhatIfAddGroup solves the week again with one more group, given as
// "TRACK[, process][, N seats]: Tue 18:00-21:00; Thu 18:00-21:00", and says
// how many more clients would meet their minimum. Nothing is stored.
func printWhatIfAddGroup(ctx context.Context, w io.Writer, p *proposal, spec string, seed uint64) error {
	const flag = "--what-if-add-group: "
	head, windows, ok := strings.Cut(spec, ":")
	if !ok || strings.TrimSpace(head) == "" || strings.TrimSpace(windows) == "" {
		return UsageError{flag + `give a track and meeting times, e.g. "Evening, process, 12 seats: Tue 18:00-21:00; Thu 18:00-21:00"`}
	}
	parts := strings.Split(head, ",")
	trackName := strings.TrimSpace(parts[0])
	var track model.Track
	var tracks []string
	for _, t := range p.Calendar.Tracks {
		tracks = append(tracks, t.Name)
		if t.ID == trackName || strings.EqualFold(t.Name, trackName) {
			track = t
		}
	}
	if track.ID == "" {
		slices.Sort(tracks)
		return UsageError{fmt.Sprintf(flag+"no track %q at this site (the tracks are: %s)", trackName, strings.Join(tracks, ", "))}
	}
	process, seats := false, 0
	for _, part := range parts[1:] {
		part = strings.ToLower(strings.TrimSpace(part))
		text, isSeats := strings.CutSuffix(part, " seats")
		switch n, err := strconv.Atoi(text); {
		case part == "process":
			process = true
		case isSeats && err == nil && n > 0:
			seats = n
		default:
			return UsageError{fmt.Sprintf(flag+"%q is neither \"process\" nor a number of seats such as \"12 seats\"", part)}
		}
	}
	var meets []builder.Span
	for _, part := range strings.Split(windows, ";") {
		span, err := builder.ParseSpan(part)
		if err != nil {
			return UsageError{flag + err.Error()}
		}
		meets = append(meets, span)
	}
	g, err := p.Calendar.WhatIfGroup(track.ID, process, seats, meets)
	if err != nil {
		return UsageError{flag + err.Error()}
	}
	e, err := builder.WhatIf(ctx, p.Instance, p.Result, builder.Change{AddGroup: &g}, builder.WeekOptions(seed))
	if err != nil {
		return UsageError{flag + err.Error()}
	}
	fmt.Fprintf(w, "\nWhat if a %s met %s:\n", g.WhatIfName(), g.When())
	p.printEffect(w, e)
	return nil
}
