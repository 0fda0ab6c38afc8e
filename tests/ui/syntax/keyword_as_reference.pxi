vm web-01 {
  template = in
}
