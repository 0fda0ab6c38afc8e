# An attribute without `=` between its name and its value.
host pve1 {
  cores 16
}
