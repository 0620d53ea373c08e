package app

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line progress bar for long command-line work:
//
//	Creating demo clients [==============>           ] 5,500 / 10,000  55%  3s left
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, label string, total int) *progress {
	p := &progress{w: w, label: label, total: total, start: time.Now()}
	p.draw(0)
	return p
}

// Set moves the bar to done of total (total may be revised).
func (p *progress) Set(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if total > 0 {
		p.total = total
	}
	if done < p.total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.draw(done)
}

// Done ends the line.
func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

func (p *progress) draw(done int) {
	const width = 30
	frac := 0.0
	if p.total > 0 {
		frac = float64(done) / float64(p.total)
	}
	filled := int(frac * width)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	left := ""
	if done > 0 && done < p.total {
		rest := time.Duration(float64(time.Since(p.start)) * (1 - frac) / frac)
		left = fmt.Sprintf("  %s left", rest.Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r%s [%s] %s / %s %3.0f%%%s   ", p.label, bar, thousands(done), thousands(p.total), frac*100, left)
	p.drawn, p.last = true, time.Now()
}

// thousands formats n with comma separators: 10000 -> "10,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
