// Package migrations holds Roster's schema as goose SQL files, one folder per
// dialect. The two folders hold the same migrations, version for version;
// they differ only where the dialects must (identity columns, time types).
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
