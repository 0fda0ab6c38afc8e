# A VM and a container with the same static address (PXI0302): the VM comes first in
# the file, so it is the one "first used here", though containers are checked first.

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
}

container dns-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = 10.0.0.21 }
}
