# `ip` takes the bare words `auto`, `dhcp` and `none`, or an address: a quoted word
# (PXI0205) and a misspelt one (PXI0204) are refused.

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

vm quoted {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = "dhcp" }
}

vm misspelt {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = dchp }
}
