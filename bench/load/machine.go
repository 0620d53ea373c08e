package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the figures were measured: every result is
// reported beside it, so ratios stay comparable across machines.
type machine struct {
	CPU  string `json:"cpu"`
	CPUs int    `json:"cpus"`
	Go   string `json:"go"`
	Wrk  string `json:"wrk"`
	IOP  string `json:"iop"`
	Load string `json:"load_average_at_start"` // from /proc/loadavg: 1, 5 and 15 minutes

	BusyBefore  float64 `json:"busy_pct_before_start"`  // share of all CPUs busy in the second before the start
	StealBefore float64 `json:"steal_pct_before_start"` // of which stolen by the hypervisor
	haveIdle    bool
}

func describeMachine() machine {
	return machine{CPU: cpuModel(), CPUs: runtime.NumCPU(), Go: runtime.Version(), Wrk: wrkVersion(), Load: loadAverage()}
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// cpuTimes is the aggregate "cpu" line of /proc/stat, in clock ticks.
type cpuTimes struct {
	total, idle, steal uint64
}

func readCPUTimes() (cpuTimes, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}, false
	}
	var t cpuTimes
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cpuTimes{}, false
		}
		if i >= 8 { // guest time is already counted in user and nice
			break
		}
		t.total += n
		switch i {
		case 3, 4: // idle, iowait
			t.idle += n
		case 7:
			t.steal = n
		}
	}
	return t, true
}

// share returns the busy and steal percentages of all CPUs between a and b.
// Steal is time the hypervisor gave this VM's CPUs to someone else.
func share(a, b cpuTimes) (busy, steal float64) {
	d := float64(b.total - a.total)
	if d <= 0 {
		return 0, 0
	}
	return 100 * (d - float64(b.idle-a.idle)) / d, 100 * float64(b.steal-a.steal) / d
}

// idleCheck measures how busy the CPUs are for a second before the
// benchmark starts: other work shares the pinned cores and makes the
// figures low and noisy.
func (m *machine) idleCheck() {
	a, ok := readCPUTimes()
	if !ok {
		return
	}
	time.Sleep(time.Second)
	if b, ok := readCPUTimes(); ok {
		m.BusyBefore, m.StealBefore = share(a, b)
		m.haveIdle = true
	}
}

func (m machine) line() string {
	s := fmt.Sprintf("machine: %s, %d CPUs, %s %s/%s, wrk %s", m.CPU, m.CPUs, m.Go, runtime.GOOS, runtime.GOARCH, m.Wrk)
	if m.haveIdle {
		s += fmt.Sprintf("; before start: %.0f%% CPU busy, %.0f%% stolen, load average %s", m.BusyBefore, m.StealBefore, m.Load)
		if m.BusyBefore > 10 || m.StealBefore > 2 {
			s += "\nWARNING: the machine is not idle: other work shares the pinned cores, so the figures will be low and noisy"
		}
	}
	return s
}

// cpuModel reads the first processor's model from /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name", "Model", "cpu model", "Hardware":
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return "unknown CPU"
}

// wrkVersion is wrk's version, e.g. "debian/4.1.0-3+b2 [epoll]". wrk
// prints it with its usage text and exits non-zero, so the status is ignored.
func wrkVersion() string {
	out, _ := exec.Command("wrk", "--version").CombinedOutput()
	first, _, _ := strings.Cut(string(out), "\n")
	first = strings.TrimSpace(first)
	if first == "" {
		return "not installed"
	}
	first = strings.TrimPrefix(first, "wrk ")
	if i := strings.Index(first, " Copyright"); i >= 0 {
		first = first[:i]
	}
	return first
}
