role motd {
  text = "caf\u{zz}"
}
