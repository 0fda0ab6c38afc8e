profile small {
  memory = 4GB
}
