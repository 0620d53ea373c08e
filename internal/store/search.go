package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Client search finds its candidates through client_trigrams: every
// three-character piece of a client's search text (names, record number,
// phone digits, email, date of birth), kept by the store in the same
// transaction as the text itself. A word of three or more characters can
// only be in a text that holds all its trigrams, so the search reads the
// postings of the word's trigrams instead of every client's text; the LIKE
// on search_text stays as the exact test. The table is plain SQL, the same
// on both engines (no FTS5 or pg_trgm needed).

// maxWordTrigrams bounds the trigrams looked up per search word: a dozen
// already narrow the candidates to a handful, and the LIKE is exact.
const maxWordTrigrams = 12

// trigrams returns the distinct three-character pieces of text that hold no
// space, in order of first appearance. Characters are runes, as SQL's
// substr and length count them, so the migration's backfill agrees.
func trigrams(text string) []string {
	r := []rune(text)
	seen := map[string]bool{}
	var out []string
	for i := 0; i+3 <= len(r); i++ {
		t := string(r[i : i+3])
		if strings.ContainsRune(t, ' ') || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// indexClientSearch replaces the client's trigrams with those of text.
func indexClientSearch(ctx context.Context, tx *sql.Tx, clientID, text string, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_trigrams WHERE client_id = $1`, clientID); err != nil {
			return err
		}
	}
	ts := trigrams(text)
	if len(ts) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO client_trigrams (trigram, client_id) VALUES `)
	args := make([]any, 0, len(ts)+1)
	args = append(args, clientID)
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, t)
		fmt.Fprintf(&b, "($%d, $1)", len(args))
	}
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}

// wordCandidates is the condition that c.id holds every trigram of word
// (lower-cased), appending its arguments; "" when the word is too short to
// have one.
func wordCandidates(word string, args *[]any) string {
	ts := trigrams(word)
	if len(ts) == 0 {
		return ""
	}
	if len(ts) > maxWordTrigrams {
		ts = ts[:maxWordTrigrams]
	}
	marks := make([]string, len(ts))
	for i, t := range ts {
		*args = append(*args, t)
		marks[i] = placeholder(len(*args))
	}
	return fmt.Sprintf(`c.id IN (SELECT client_id FROM client_trigrams WHERE trigram IN (%s) GROUP BY client_id HAVING COUNT(*) = %d)`,
		strings.Join(marks, ", "), len(ts))
}
