vmm web-01 {
  cores = 2
}
