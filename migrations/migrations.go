// Package migrations embeds the SQL schema, one set of files per dialect.
//
// Each file is named NNNN_name.sql and is applied once, in order, inside a
// transaction. The two sets describe the same schema; they differ only where
// the dialects do (timestamp and JSON types). Numbers are reserved per area
// so work on different areas never collides: 0001 foundation, 0002
// customers, 0003 disclosures, 0004 sends, 0005 publications, 0006
// obligations.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
