profile small {
  disk = 20zb
}
