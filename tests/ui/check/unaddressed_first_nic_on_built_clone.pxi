# A VM whose first NIC has no address, cloned from a template Packer built from a
# clone of a cloud image (PXI0541): the template keeps the build VM's `ipconfig0`,
# and nothing in the VM's own cloud-init replaces it.

use std.os
use std.roles

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network trunk {
  cidr = 10.99.0.0/24
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = trunk, ports = ["eno2"], vlan_aware = true }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, snippets, vztmpl] }
}

template ubuntu-2404-docker {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
  build { roles = [roles.docker] }
}

vm sensor {
  host     = pve1
  template = ubuntu-2404-docker
  network trunk { ip = none }
  network lan   { ip = auto }
}
