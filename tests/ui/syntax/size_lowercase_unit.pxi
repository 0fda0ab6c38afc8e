profile small {
  memory = 4gib
}
