network lan {
  gateway = 10.10
}
