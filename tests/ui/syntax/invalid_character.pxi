vm web-01 {
  cores = 2 @ 3
}
