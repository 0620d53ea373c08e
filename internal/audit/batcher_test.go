package audit

// These tests are in package audit so they can wait until records are
// actually queued (len(b.in)) instead of sleeping and hoping.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeSink records the batches it is given. If block is set, the first call
// signals started and waits for block to be closed before committing. fail,
// if set, decides whether a batch fails.
type fakeSink struct {
	block   chan struct{}
	started chan struct{}
	fail    func(call int, recs []Record) error

	mu      sync.Mutex
	calls   int
	batches [][]Record // committed batches only
}

func newBlockingSink() *fakeSink {
	return &fakeSink{block: make(chan struct{}), started: make(chan struct{})}
}

func (s *fakeSink) AppendAudit(ctx context.Context, recs []Record) error {
	s.mu.Lock()
	s.calls++
	call := s.calls
	s.mu.Unlock()
	if call == 1 && s.block != nil {
		close(s.started)
		<-s.block
	}
	if s.fail != nil {
		if err := s.fail(call, recs); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.batches = append(s.batches, slices.Clone(recs))
	s.mu.Unlock()
	return nil
}

func (s *fakeSink) committed() [][]Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

func (s *fakeSink) details() []string {
	var out []string
	for _, b := range s.committed() {
		for _, r := range b {
			out = append(out, r.Detail)
		}
	}
	return out
}

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func rec(detail string) Record { return Record{Action: ActionRead, Detail: detail} }

// recordAsync calls b.Record in a goroutine and returns a channel with its result.
func recordAsync(ctx context.Context, b *Batcher, r Record) <-chan error {
	c := make(chan error, 1)
	go func() { c <- b.Record(ctx, r) }()
	return c
}

func result(t *testing.T, c <-chan error) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Record did not return")
		return nil
	}
}

// TestBatcherConcurrent: many requests recording at once all succeed, every
// record is committed exactly once, and no transaction exceeds max.
func TestBatcherConcurrent(t *testing.T) {
	const n, max = 500, 16
	sink := &fakeSink{}
	b := NewBatcher(sink, max)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { errs[i] = b.Record(context.Background(), rec(fmt.Sprint(i))) })
	}
	wg.Wait()
	b.Close()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Record %d: %v", i, err)
		}
	}
	count := map[string]int{}
	batches := sink.committed()
	for _, batch := range batches {
		if len(batch) == 0 || len(batch) > max {
			t.Errorf("batch of %d records, want 1..%d", len(batch), max)
		}
		for _, r := range batch {
			count[r.Detail]++
		}
	}
	for i := range n {
		if c := count[fmt.Sprint(i)]; c != 1 {
			t.Errorf("record %d committed %d times, want once", i, c)
		}
	}
	if len(count) != n {
		t.Errorf("%d distinct records committed, want %d", len(count), n)
	}
	gotB, gotR := b.Stats()
	if gotB != int64(len(batches)) || gotR != n {
		t.Errorf("Stats = %d batches, %d records; want %d, %d", gotB, gotR, len(batches), n)
	}
}

// TestBatcherGroupsQueuedRecords guards the group commit: what queues while a
// commit runs goes out together, up to max per transaction, in order.
func TestBatcherGroupsQueuedRecords(t *testing.T) {
	const max = 16
	sink := newBlockingSink()
	b := NewBatcher(sink, max)
	first := recordAsync(context.Background(), b, rec("first"))
	<-sink.started
	var rest []<-chan error
	for i := range 40 {
		rest = append(rest, recordAsync(context.Background(), b, rec(fmt.Sprint(i))))
		waitFor(t, fmt.Sprintf("record %d is queued", i), func() bool { return len(b.in) == i+1 })
	}
	close(sink.block)
	if err := result(t, first); err != nil {
		t.Fatal(err)
	}
	for _, c := range rest {
		if err := result(t, c); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	var sizes []int
	for _, batch := range sink.committed() {
		sizes = append(sizes, len(batch))
	}
	if !slices.Equal(sizes, []int{1, 16, 16, 8}) {
		t.Errorf("batch sizes = %v, want [1 16 16 8]", sizes)
	}
	want := []string{"first"}
	for i := range 40 {
		want = append(want, fmt.Sprint(i))
	}
	if got := sink.details(); !slices.Equal(got, want) {
		t.Errorf("records committed in order %v, want %v", got, want)
	}
}

// TestBatcherSinkFails guards failing closed: if the records cannot be
// written, every request waiting on them gets the error (and so is refused),
// and nothing is counted as written.
func TestBatcherSinkFails(t *testing.T) {
	boom := errors.New("disk full")
	sink := &fakeSink{fail: func(int, []Record) error { return boom }}
	b := NewBatcher(sink, 8)
	defer b.Close()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() { errs[i] = b.Record(context.Background(), rec(fmt.Sprint(i))) })
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, boom) {
			t.Errorf("Record %d: err = %v, want %v", i, err, boom)
		}
	}
	if batches, records := b.Stats(); batches != 0 || records != 0 {
		t.Errorf("Stats = %d, %d after failures; want 0, 0", batches, records)
	}
}

// TestBatcherFailedBatchThenRecovers: every record in a failed transaction
// gets the error, and the batcher keeps writing later records.
func TestBatcherFailedBatchThenRecovers(t *testing.T) {
	boom := errors.New("deadlock detected")
	sink := newBlockingSink()
	sink.fail = func(call int, _ []Record) error {
		if call == 2 {
			return boom
		}
		return nil
	}
	b := NewBatcher(sink, 8)
	defer b.Close()
	first := recordAsync(context.Background(), b, rec("first"))
	<-sink.started
	x := recordAsync(context.Background(), b, rec("x"))
	waitFor(t, "x is queued", func() bool { return len(b.in) == 1 })
	y := recordAsync(context.Background(), b, rec("y"))
	waitFor(t, "y is queued", func() bool { return len(b.in) == 2 })
	close(sink.block)
	if err := result(t, first); err != nil {
		t.Errorf("first: %v", err)
	}
	for name, c := range map[string]<-chan error{"x": x, "y": y} {
		if err := result(t, c); !errors.Is(err, boom) {
			t.Errorf("%s: err = %v, want %v (same transaction)", name, err, boom)
		}
	}
	if err := b.Record(context.Background(), rec("later")); err != nil {
		t.Errorf("Record after a failed batch: %v", err)
	}
	if got := sink.details(); !slices.Equal(got, []string{"first", "later"}) {
		t.Errorf("committed %v, want [first later]", got)
	}
	if batches, records := b.Stats(); batches != 2 || records != 2 {
		t.Errorf("Stats = %d, %d; want 2, 2", batches, records)
	}
}

// TestBatcherClosed: after Close, Record refuses at once with ErrClosed, and
// Close may be called again.
func TestBatcherClosed(t *testing.T) {
	sink := &fakeSink{}
	b := NewBatcher(sink, 4)
	if err := b.Record(context.Background(), rec("before")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	for range 20 { // the check must not depend on a lucky select
		if err := b.Record(context.Background(), rec("after")); !errors.Is(err, ErrClosed) {
			t.Fatalf("Record after Close: err = %v, want ErrClosed", err)
		}
	}
	b.Close() // must not panic or block
	if got := sink.details(); !slices.Equal(got, []string{"before"}) {
		t.Errorf("committed %v, want [before]", got)
	}
}

// TestBatcherCloseWritesQueued: Close stops accepting records but commits
// those already queued before returning, so a graceful stop loses nothing.
func TestBatcherCloseWritesQueued(t *testing.T) {
	sink := newBlockingSink()
	b := NewBatcher(sink, 2)
	first := recordAsync(context.Background(), b, rec("first"))
	<-sink.started
	var queued []<-chan error
	for i := range 5 {
		queued = append(queued, recordAsync(context.Background(), b, rec(fmt.Sprint(i))))
		waitFor(t, fmt.Sprintf("record %d is queued", i), func() bool { return len(b.in) == i+1 })
	}
	closed := make(chan struct{})
	go func() { b.Close(); close(closed) }()
	waitFor(t, "Close has begun", func() bool {
		select {
		case <-b.quit:
			return true
		default:
			return false
		}
	})
	select {
	case <-closed:
		t.Fatal("Close returned while a commit was still running")
	default:
	}
	if err := b.Record(context.Background(), rec("too late")); !errors.Is(err, ErrClosed) {
		t.Errorf("Record during Close: err = %v, want ErrClosed", err)
	}
	close(sink.block)
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := result(t, first); err != nil {
		t.Errorf("first: %v", err)
	}
	for i, c := range queued {
		if err := result(t, c); err != nil {
			t.Errorf("queued record %d: %v", i, err)
		}
	}
	if got := sink.details(); !slices.Equal(got, []string{"first", "0", "1", "2", "3", "4"}) {
		t.Errorf("committed %v, want first and the 5 queued records", got)
	}
	for _, batch := range sink.committed() {
		if len(batch) > 2 {
			t.Errorf("batch of %d records while draining, max 2", len(batch))
		}
	}
}

// TestBatcherContextCancelledWhileQueued: a request that gives up while its
// record waits gets ctx.Err() at once. The record was queued, so it is still
// written (the request fails either way; the log errs on the side of
// recording an access).
func TestBatcherContextCancelledWhileQueued(t *testing.T) {
	sink := newBlockingSink()
	b := NewBatcher(sink, 8)
	first := recordAsync(context.Background(), b, rec("first"))
	<-sink.started
	ctx, cancel := context.WithCancel(context.Background())
	waiting := recordAsync(ctx, b, rec("abandoned"))
	waitFor(t, "the record is queued", func() bool { return len(b.in) == 1 })
	cancel()
	if err := result(t, waiting); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	close(sink.block)
	if err := result(t, first); err != nil {
		t.Errorf("first: %v", err)
	}
	b.Close()
	if got := sink.details(); !slices.Equal(got, []string{"first", "abandoned"}) {
		t.Errorf("committed %v, want [first abandoned]", got)
	}
}

// TestBatcherContextCancelledWhileCommitting: the same while the record's
// own transaction is running.
func TestBatcherContextCancelledWhileCommitting(t *testing.T) {
	sink := newBlockingSink()
	b := NewBatcher(sink, 8)
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	c := recordAsync(ctx, b, rec("slow"))
	<-sink.started
	if err := result(t, c); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	close(sink.block)
}

// TestNewBatcherDefaultMax: a non-positive max falls back to 256 instead of
// a batcher that can never write.
func TestNewBatcherDefaultMax(t *testing.T) {
	for _, m := range []int{0, -1} {
		b := NewBatcher(&fakeSink{}, m)
		if b.max != 256 || cap(b.in) != 4*256 {
			t.Errorf("NewBatcher(_, %d): max %d, queue %d; want 256, 1024", m, b.max, cap(b.in))
		}
		b.Close()
	}
}
