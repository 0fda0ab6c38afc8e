network lan {
  cidr = 10.10.0.0/24abc
  mtu  = 1500/9000
  addr = 10.0.0.1GiB
}
