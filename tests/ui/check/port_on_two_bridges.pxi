# One NIC given to two bridges (PXI0380): the interfaces file would enslave it to
# both, and the bridge that comes up last takes it from the other. A port listed twice
# in one bridge is the same mistake.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

network dmz {
  cidr    = 10.0.1.0/24
  gateway = 10.0.1.1
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1", "eno2"], network = lan }
  bridge vmbr1 { ports = ["eno1"], network = dmz }
  bridge vmbr2 { ports = ["eno3", "eno3"] }
}
