vm {
  cores = 2
}
