package main

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v76"

	"github.com/roster-app/roster/buildinfo"
)

// version prints the build's version, VCS revision and Go toolchain.
func (m *Main) version(_ context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("version takes no arguments (got %q)", args)
	}
	fmt.Fprintln(m.Stdout, buildinfo.Read())
	return nil
}

// identifyToStripe makes every Stripe API call carry Roster's name and
// version in its User-Agent. stripe-go keeps this in a package variable, so
// it is set once, by main, before anything calls Stripe.
func identifyToStripe() {
	stripe.SetAppInfo(&stripe.AppInfo{
		Name:    "Roster",
		Version: buildinfo.Version(),
		URL:     "https://github.com/roster-app/roster",
	})
}
