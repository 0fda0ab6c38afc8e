vm "web-${}" {
  cores = 1
}
