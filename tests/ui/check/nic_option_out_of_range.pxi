# A NIC's `queues` and `rate` out of range (PXI0546), and its own `mtu` out of range
# (PXI0326). The bounds themselves are fine.

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

vm zero {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, queues = 0, rate = 0 }
}

vm over {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, queues = 65, rate = 100001, mtu = 575 }
}

vm bounds {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, queues = 64, rate = 100000, mtu = 1500 }
}

vm low {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, queues = 1, rate = 1, mtu = 576 }
}
