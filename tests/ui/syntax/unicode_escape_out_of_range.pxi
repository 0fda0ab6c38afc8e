role web {
  motd = "smile \u{110000}"
}
