// Package packaging holds what an operator installs beside the binary: the
// systemd unit and its environment file, the Grafana dashboard. It has no
// code; its tests check those files, and the Dockerfile against the README.
package packaging
