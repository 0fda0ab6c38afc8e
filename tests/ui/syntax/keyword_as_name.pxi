vm auto {
  cores = 2
}
