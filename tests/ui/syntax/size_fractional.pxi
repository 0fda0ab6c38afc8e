profile small {
  memory = 1.5GiB
}
