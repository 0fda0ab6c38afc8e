# Seven unrelated mistakes in one project, all reported in one run: pxic
# does not stop at the first problem of a declaration, nor at the first
# declaration with a problem.

use std.os
use std.roles

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  vmids    = 100 .. 999
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network dmz {
  cidr    = 10.0.30.0/24
  gateway = 10.0.30.1
  vlan    = 5000                          # PXI0318: VLAN tags end at 4094
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = dmz, vlan_aware = true }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm web-01 {
  host     = pve1
  template = ubuntu-2404
  memroy   = 4GiB                         # PXI0106: a typo of `memory`
  network lan { ip = 10.0.0.21 }
  roles    = [roles.base, roles.ngnix]    # PXI0104: a typo of `roles.nginx`
}

vm db-01 {
  host     = pve1
  template = ubuntu-2404
  memory   = 8192                         # PXI0202: a size without its unit
  network lan { ip = 10.0.0.1 }           # PXI0305: the gateway's address
}

vm app_01 {                               # PXI0314: `_` in a host name
  host        = pve1
  template    = ubuntu-2404
  network dmz { ip = 10.0.30.21 }
  description = env("APP_SECRET")         # PXI0207: a secret written out in clear
}
