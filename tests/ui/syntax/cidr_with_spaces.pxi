# A network written with spaces around its `/`: the help says to close them up, not
# to quote it (a quoted network is a string, which `cidr` does not take).
network lan {
  cidr    = 192.168.50.0 / 24
  gateway = 192.168.50.1
}
