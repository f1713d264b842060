//go:build race

package faulttest

// raceEnabled is true when the tests run with -race: the roster binary is
// then built with the race detector too.
const raceEnabled = true
