# `ram` is not an attribute of a VM and no attribute is close enough to suggest
# (PXI0106): the help lists the VM's nearest attributes, not a file of the repository.

use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm web-01 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = 10.0.0.21 }
  ram      = 4GiB
  nic lan { ip = 10.0.0.22 }
}
