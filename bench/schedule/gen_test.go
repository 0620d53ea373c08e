package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/openiop/openiop/internal/schedule/builder"
)

func TestGeneratorIsDeterministicAndValid(t *testing.T) {
	for _, name := range []string{"S", "S-tight", "S-loose", "M"} {
		k, _ := kindNamed(name)
		a, b := Generate(k, seed), Generate(k, seed)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: two generations differ", name)
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(a.Clients) != k.Clients*k.Sites {
			t.Errorf("%s: %d clients", name, len(a.Clients))
		}
	}
	k, _ := kindNamed("S")
	in := Generate(k, seed)
	var lp bytes.Buffer
	if err := builder.WriteLP(&lp, in, "site01"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Maximize", "Subject To", "Binaries", "End", "1000000 u_0"} {
		if !strings.Contains(lp.String(), want) {
			t.Errorf("the LP model lacks %q", want)
		}
	}
	r, err := builder.Solve(context.Background(), in, builder.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	next := Churn(in, r, seed)
	if err := next.Validate(); err != nil {
		t.Fatalf("churn week: %v", err)
	}
}

func TestStoredReferencesRead(t *testing.T) {
	r, ok := loadReference("S", "cbc")
	if !ok {
		t.Skip("no stored reference for S (run go run ./bench/schedule ref -kinds S)")
	}
	if r.met() == 0 || r.objective() < int64(r.met())*builder.W1 || len(r.Sites) != 1 {
		t.Errorf("reference %+v", r)
	}
}
