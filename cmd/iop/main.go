// Command iop runs OpenIOP. All of its work is in internal/app.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/openiop/openiop/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if code := app.ExitCode(err); code != 0 {
		fmt.Fprintln(os.Stderr, "iop:", err)
		os.Exit(code)
	}
}
