profile huge {
  disk = 99999999TiB
}
