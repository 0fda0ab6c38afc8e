# Skipping a broken line with non-ASCII text keeps the positions after it right.
host pve1 {
  motd = "café ✓ — ünïcödé" @
  address = 10.0.0.2
  cores 16
}
