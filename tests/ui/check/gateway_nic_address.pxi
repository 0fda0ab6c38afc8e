# `is_gateway = true` on a NIC whose address is not the network's gateway
# (PXI0542): from the pool, on a network without a gateway. A router at the
# gateway's address is accepted, and its NIC gets no gateway of its own.

use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network wan {
  cidr = 192.168.1.0/24
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = wan, ports = ["eno2"] }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm router {
  host     = pve1
  template = ubuntu-2404
  network wan { ip = dhcp }
  network lan { ip = 10.0.0.1, is_gateway = true }
}

vm pooled {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, is_gateway = true }
}

vm nowhere {
  host     = pve1
  template = ubuntu-2404
  network wan { ip = 192.168.1.7, is_gateway = true }
}
