package auth

import (
	"context"
	"errors"
	"testing"
)

// TestHasherConcurrencyCap guards the memory cap: when every slot is taken, a
// Hash or Verify waits, and gives up with the context's error instead of
// running one more memory-hungry hash.
func TestHasherConcurrencyCap(t *testing.T) {
	p := Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
	h := NewHasher(p, 1)
	phc, err := h.Hash(context.Background(), "maple river lantern")
	if err != nil {
		t.Fatal(err)
	}

	h.slots <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "maple river lantern"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash with every slot busy and a cancelled context: err = %v, want context.Canceled", err)
	}
	if ok, _, err := h.Verify(ctx, "maple river lantern", phc); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("Verify with every slot busy and a cancelled context = %v, %v; want false, context.Canceled", ok, err)
	}
	<-h.slots

	// The slot is released after each call, so sequential calls never block.
	for range 3 {
		if ok, _, err := h.Verify(context.Background(), "maple river lantern", phc); !ok || err != nil {
			t.Fatalf("Verify = %v, %v", ok, err)
		}
	}
	if len(h.slots) != 0 {
		t.Errorf("%d slots still held after the calls returned", len(h.slots))
	}
}

// TestNewHasherAtLeastOneSlot: a non-positive concurrency would deadlock
// every sign-in; it is raised to 1.
func TestNewHasherAtLeastOneSlot(t *testing.T) {
	for _, n := range []int{0, -5} {
		if c := cap(NewHasher(DefaultParams, n).slots); c != 1 {
			t.Errorf("NewHasher(_, %d) has %d slots, want 1", n, c)
		}
	}
	if c := cap(NewHasher(DefaultParams, 4).slots); c != 4 {
		t.Errorf("NewHasher(_, 4) has %d slots, want 4", c)
	}
}
