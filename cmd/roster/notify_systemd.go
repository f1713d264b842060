package main

import (
	"log/slog"

	"github.com/coreos/go-systemd/v22/daemon"
)

// tellSystemd sends state (daemon.SdNotifyReady, daemon.SdNotifyStopping)
// to the service manager when roster runs as a systemd Type=notify service,
// that is when $NOTIFY_SOCKET names its socket; otherwise it does nothing.
// A failure is logged, not returned: systemd's start timeout will say more
// than a server that refuses to run.
func tellSystemd(log *slog.Logger, state string) {
	sent, err := daemon.SdNotify(false, state)
	switch {
	case err != nil:
		log.Warn("could not notify systemd", "state", state, "err", err)
	case sent:
		log.Debug("notified systemd", "state", state)
	}
}
