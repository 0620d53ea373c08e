package audit

import (
	"context"
	"errors"
	"sync"
)

// Sink appends records durably, all in one transaction: when it returns nil,
// every record is committed.
type Sink interface {
	AppendAudit(ctx context.Context, recs []Record) error
}

// ErrClosed is returned by Batcher.Record after Close.
var ErrClosed = errors.New("audit: log writer is closed")

// Batcher group-commits read audit records. Every read of client data writes
// a record, and SQLite has one writer, so committing each alone would cap
// read throughput at the single-row commit rate. The batcher writes whatever
// has queued while the previous commit ran, in one transaction, and Record
// returns only once its record is committed: the record is durable before
// the response is sent, and requests fail closed if it cannot be written.
type Batcher struct {
	sink     Sink
	max      int
	in       chan pending
	quit     chan struct{}
	exited   chan struct{}
	stopOnce sync.Once

	mu      sync.Mutex
	batches int64
	records int64
}

type pending struct {
	rec  Record
	errc chan error
}

// NewBatcher starts a batcher writing at most max records per transaction.
func NewBatcher(sink Sink, max int) *Batcher {
	if max < 1 {
		max = 256
	}
	b := &Batcher{sink: sink, max: max, in: make(chan pending, 4*max), quit: make(chan struct{}), exited: make(chan struct{})}
	go b.run()
	return b
}

// Record queues rec and waits until it is committed or fails.
func (b *Batcher) Record(ctx context.Context, rec Record) error {
	p := pending{rec: rec, errc: make(chan error, 1)}
	if err := ctx.Err(); err != nil {
		return err // the request has already given up: record nothing
	}
	select {
	case <-b.quit:
		return ErrClosed
	default:
	}
	select {
	case b.in <- p:
	case <-b.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-p.errc:
		return err
	case <-b.exited:
		// Close raced with the send: the writer answers every record it took
		// before exiting, so an empty errc means the record was not taken.
		select {
		case err := <-p.errc:
			return err
		default:
			return ErrClosed
		}
	case <-ctx.Done():
		// The record may still be written; the caller's request fails either way.
		return ctx.Err()
	}
}

// Stats returns how many batches and records were written, for metrics.
func (b *Batcher) Stats() (batches, records int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.batches, b.records
}

// Close stops accepting records, writes those already queued and returns once
// they are committed.
func (b *Batcher) Close() {
	b.stopOnce.Do(func() { close(b.quit) })
	<-b.exited
}

func (b *Batcher) run() {
	defer close(b.exited)
	batch := make([]pending, 0, b.max)
	for {
		select {
		case p := <-b.in:
			batch = append(batch[:0], p)
		case <-b.quit:
			b.drain(batch[:0])
			return
		}
		// Take everything that queued while the last commit ran.
	fill:
		for len(batch) < b.max {
			select {
			case p := <-b.in:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		b.write(batch)
	}
}

// drain writes what is left in the queue after Close.
func (b *Batcher) drain(batch []pending) {
	for {
		select {
		case p := <-b.in:
			batch = append(batch, p)
			if len(batch) == b.max {
				b.write(batch)
				batch = batch[:0]
			}
		default:
			if len(batch) > 0 {
				b.write(batch)
			}
			return
		}
	}
}

func (b *Batcher) write(batch []pending) {
	recs := make([]Record, len(batch))
	for i, p := range batch {
		recs[i] = p.rec
	}
	// A background context: the records belong to requests that may give up
	// waiting, but what was queued is still written.
	err := b.sink.AppendAudit(context.Background(), recs)
	if err == nil {
		b.mu.Lock()
		b.batches++
		b.records += int64(len(recs))
		b.mu.Unlock()
	}
	for _, p := range batch {
		p.errc <- err
	}
}
