// Package x12test parses X12 interchanges with node-x12, an independent
// parser, so that tests check what a clearinghouse's parser reads rather
// than what our own writer meant to write. It is for tests only.
//
// It needs node. On first use it installs node-x12 with npm into a cache
// directory under os.TempDir(), shared by every test binary. If node or npm
// is missing or the install fails, the calling test is skipped, or fails
// when IOP_REQUIRE_BROWSER is set (CI sets it).
//
// node-x12 runs in strict mode, which checks the envelope: IEA01 against
// the number of groups, GE01 against the number of transactions, SE01
// against the number of segments, and IEA02, GE02 and SE02 against ISA13,
// GS06 and ST02. Parse checks on its own, from the raw text and the parsed
// segments, what node-x12 does not: the ISA's fixed field widths and
// delimiters, that both readings see the same segments, and the HL
// hierarchy (HL01 counting from 1, HL02 naming an earlier HL, HL04 saying
// whether a child follows).
package x12test

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/testutil/npmtest"
)

// Version is the node-x12 release interchanges are checked against.
const Version = "1.7.1"

const pkgName = "node-x12"

// Embedded rather than read from disk, so that tests of any package can use
// it whatever their working directory.
//
//go:embed parse.cjs
var parseScript []byte

// Segment is one parsed segment: its id ("CLM") and its elements, the first
// being element 01. Composite elements keep their ":" separators.
type Segment struct {
	ID       string
	Elements []string
}

// E returns element i (1-based, as in "CLM01"), or "" when absent.
func (s Segment) E(i int) string {
	if i < 1 || i > len(s.Elements) {
		return ""
	}
	return s.Elements[i-1]
}

// C returns component j (1-based) of element i, or "" when absent.
func (s Segment) C(i, j int) string {
	parts := strings.Split(s.E(i), ":")
	if j < 1 || j > len(parts) {
		return ""
	}
	return parts[j-1]
}

// String writes the segment back as X12 text, without terminator.
func (s Segment) String() string {
	return strings.Join(append([]string{s.ID}, s.Elements...), "*")
}

// Parse parses edi with node-x12 and returns all its segments in order,
// ISA to IEA. node-x12 reads ISA13 and IEA02 as numbers ("000000042"
// becomes "42"). It fails the test if node-x12 reports any error or any of
// the package's own checks fails.
func Parse(t testing.TB, edi []byte) []Segment {
	t.Helper()
	out := run(t, edi)
	var got struct {
		Delimiters struct{ Segment, Element, Component, Repetition string }
		Segments   []struct {
			ID       string
			Elements []string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("x12test: reading node-x12 output: %v\n%s", err, out)
	}
	d := got.Delimiters
	if d.Segment != "~" || d.Element != "*" || d.Component != ":" || d.Repetition != "^" {
		t.Errorf("x12test: node-x12 read delimiters segment %q element %q component %q repetition %q, want ~ * : ^", d.Segment, d.Element, d.Component, d.Repetition)
	}
	segs := make([]Segment, len(got.Segments))
	for i, s := range got.Segments {
		segs[i] = Segment{ID: s.ID, Elements: s.Elements}
	}
	for _, err := range Check(edi, segs) {
		t.Errorf("x12test: %v", err)
	}
	if t.Failed() {
		t.Logf("x12test: interchange:\n%s", edi)
	}
	return segs
}

// isaWidths are the fixed widths of ISA01..ISA16.
var isaWidths = [16]int{2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}

// Check makes the checks that Parse adds to node-x12's own on edi and the
// segments parsed from it, and returns what failed. It needs no node.
func Check(edi []byte, segs []Segment) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	text := string(edi)
	if len(text) < 106 || !strings.HasPrefix(text, "ISA*") {
		return append(errs, errors.New("does not start with a 106-character ISA segment"))
	}
	isa := text[:106]
	if isa[105] != '~' || isa[103] != '*' || isa[104] != ':' {
		fail("ISA is not 106 characters ending *:~ (%q)", isa)
	}
	fields := strings.Split(isa[:105], "*")
	if len(fields) != 17 {
		fail("ISA has %d elements, want 16", len(fields)-1)
	} else {
		for i, w := range isaWidths {
			if len(fields[i+1]) != w {
				fail("ISA%02d %q is %d characters, want %d", i+1, fields[i+1], len(fields[i+1]), w)
			}
		}
		if fields[11] != "^" || fields[12] != "00501" {
			fail("ISA11 %q ISA12 %q, want ^ and 00501", fields[11], fields[12])
		}
		if !digits(fields[13]) {
			fail("ISA13 %q is not 9 digits", fields[13])
		}
		if fields[15] != "P" && fields[15] != "T" {
			fail("ISA15 %q is not P or T", fields[15])
		}
	}

	// Split the raw text on our own and compare with node-x12's reading.
	var raw []string
	for _, s := range strings.Split(text, "~") {
		if s = strings.TrimLeft(s, "\r\n"); s != "" {
			raw = append(raw, s)
		}
	}
	if len(raw) != len(segs) {
		fail("the text holds %d segments, node-x12 read %d", len(raw), len(segs))
	} else {
		for i, s := range segs {
			if raw[i] != s.String() && s.ID != "ISA" && s.ID != "IEA" {
				fail("segment %d reads %q, node-x12 read %q", i+1, raw[i], s.String())
			}
		}
	}
	if n := len(raw); n > 0 {
		last := strings.Split(raw[n-1], "*")
		if len(fields) == 17 && (last[0] != "IEA" || len(last) != 3 || last[2] != fields[13]) {
			fail("last segment %q is not IEA with ISA13 %q", raw[n-1], fields[13])
		}
	}

	// The HL hierarchy.
	var hls []Segment
	for _, s := range segs {
		if s.ID == "HL" {
			hls = append(hls, s)
		}
	}
	for i, h := range hls {
		if h.E(1) != strconv.Itoa(i+1) {
			fail("HL %d has HL01 %q", i+1, h.E(1))
		}
		if p := h.E(2); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > i {
				fail("HL%s names parent %q, not an earlier HL", h.E(1), p)
			}
		} else if i > 0 {
			fail("HL%s has no parent", h.E(1))
		}
		hasChild := false
		for _, c := range hls[i+1:] {
			if c.E(2) == h.E(1) {
				hasChild = true
			}
		}
		if want := map[bool]string{true: "1", false: "0"}[hasChild]; h.E(4) != want {
			fail("HL%s has HL04 %q but %s", h.E(1), h.E(4), map[bool]string{true: "has children", false: "has none"}[hasChild])
		}
	}
	return errs
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// tool runs the parser script on the input; see npmtest.
var tool = &npmtest.Tool{Package: pkgName, Version: Version, Script: parseScript, ScriptName: "parse.cjs", InputName: "claims.837"}

// run returns what the parser script prints for input.
func run(t testing.TB, input []byte) []byte {
	t.Helper()
	return tool.Run(t, input)
}
