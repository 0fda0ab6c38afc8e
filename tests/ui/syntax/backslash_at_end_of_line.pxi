role motd {
  text = "line one\
}
