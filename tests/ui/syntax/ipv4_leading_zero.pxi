network lan {
  gateway = 10.10.01.1
}
