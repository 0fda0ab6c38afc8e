vm web-01 {
  cores =
}
