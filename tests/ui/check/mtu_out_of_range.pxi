# An MTU no interface accepts (PXI0326).
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr = 10.0.0.0/24
  mtu  = 0
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan, mtu = 100000 }
}
