host pve1 {
  address = 10.10.0.256
}
