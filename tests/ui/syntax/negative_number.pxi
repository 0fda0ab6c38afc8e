vm web-01 {
  priority = -1
}
