# `model` and `queues` on a container's NIC (PXI0545): LXC has a veth pair, not an
# emulated card. `rate` and `mtu` are fine.

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

container proxy {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto, model = e1000, queues = 2, rate = 125, mtu = 1400 }
}
