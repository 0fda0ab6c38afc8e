# One VLAN-aware bridge carrying several networks: lan untagged, the host's own
# management network on VLAN 10 (its address on a VLAN interface of the bridge),
# storage on VLAN 30 with jumbo frames (the bridge and its port take the largest
# MTU, while the host's VLAN interface keeps 1500). Each NIC goes on the bridge
# with its network's tag.
use std.os

cluster lab {
  endpoint = "https://10.10.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network mgmt {
  cidr    = 10.10.0.0/24
  gateway = 10.10.0.1
  vlan    = 10
}

network san {
  cidr = 10.30.0.0/24
  vlan = 30
  mtu  = 9000
  pool = 10.30.0.100 .. 10.30.0.199
}

host pve1 {
  address = 10.10.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan, networks = [mgmt, san] }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm nas {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }
  network san { ip = auto }
}
