host pve1 {
  description = "the first host
  cores = 16
}
