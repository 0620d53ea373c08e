// Package jobs runs durable background jobs on the database: each job has
// one row with its next run time and a lease, so that with several replicas
// serving one database a job runs on one of them at a time, and a replica
// that dies mid-run only delays the job until its lease expires.
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Store keeps the jobs' schedule and leases.
type Store interface {
	// ClaimJob takes the job's lease until now+lease if the job is due and no
	// one else holds it; it reports whether this holder got it.
	ClaimJob(ctx context.Context, name, holder string, now time.Time, lease time.Duration) (bool, error)
	// FinishJob releases the lease and sets when the job runs next.
	FinishJob(ctx context.Context, name, holder string, now, next time.Time, result string) error
}

// Job is work done every Every. Run returns a short result for the job's
// status line (e.g. "12 assignments made").
type Job struct {
	Name  string
	Every time.Duration
	Lease time.Duration // how long a run may take before another replica may take over
	Run   func(ctx context.Context, now time.Time) (string, error)
}

// retryAfter is when a failed run is tried again (sooner than Every for
// daily jobs, so a passing database hiccup does not cost a day).
const retryAfter = 5 * time.Minute

// Runner runs jobs that are due.
type Runner struct {
	Store  Store
	Holder string // this replica, e.g. host and process id
	Jobs   []Job
	Now    func() time.Time
	Log    *slog.Logger
}

// RunDue runs, once, every job that is due and not held by another replica.
// It returns how many it ran.
func (r *Runner) RunDue(ctx context.Context) int {
	ran := 0
	for _, j := range r.Jobs {
		now := r.Now()
		lease := j.Lease
		if lease <= 0 {
			lease = 10 * time.Minute
		}
		ok, err := r.Store.ClaimJob(ctx, j.Name, r.Holder, now, lease)
		if err != nil {
			r.Log.Warn("claiming a job", "job", j.Name, "error", err)
			continue
		}
		if !ok {
			continue
		}
		ran++
		result, err := j.Run(ctx, now)
		next := now.Add(j.Every)
		if err != nil {
			result, next = "failed: "+err.Error(), now.Add(min(retryAfter, j.Every))
			r.Log.Warn("job failed", "job", j.Name, "error", err)
		} else {
			r.Log.Info("job ran", "job", j.Name, "result", result)
		}
		if err := r.Store.FinishJob(context.WithoutCancel(ctx), j.Name, r.Holder, r.Now(), next, result); err != nil {
			r.Log.Warn("finishing a job", "job", j.Name, "error", err)
		}
	}
	return ran
}
