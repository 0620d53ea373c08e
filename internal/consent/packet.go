package consent

// Packet is what a release sends: one section per category of information,
// as the record stood when it was disclosed. It is kept with the disclosure
// so that the accounting can show exactly what left the program, not the
// record as it reads later.
type Packet struct {
	Sections []Section `json:"sections"`
}

// Section is one category of information, as facts (label and value), a
// table, and lines of text; Empty says why there is nothing to show.
type Section struct {
	Code  string     `json:"code"`
	Title string     `json:"title"`
	Facts []Fact     `json:"facts,omitempty"`
	Head  []string   `json:"head,omitempty"`
	Rows  [][]string `json:"rows,omitempty"`
	Lines []string   `json:"lines,omitempty"`
	Empty string     `json:"empty,omitempty"`
}

// Fact is a labelled value.
type Fact struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Releasable lists the categories a printed release can carry. Counseling
// notes are not among them: OpenIOP keeps no notes apart from the rest of
// the record, and a program that does releases them under their own consent
// by hand.
func Releasable() []Category {
	var out []Category
	for _, c := range Categories {
		if c.Code != CatCounselingNotes {
			out = append(out, c)
		}
	}
	return out
}
