vm crlf {
  cores = 2
  # comment
  name = "x"
}
