profile small {
  memory = 4 GiB
}
