# A linked clone keeps its disk beside its template's; naming another storage is an
# error. A full clone there, and a linked clone that names the template's storage,
# are fine.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage tank      { type = zfspool, pool = "tank", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import] }
}

template debian-12 {
  host    = pve1
  vmid    = 9000
  image   = os.debian_12
  storage = local-lvm
}

vm scratch {
  host       = pve1
  template   = debian-12
  full_clone = false
  storage    = tank
  network lan { ip = 10.0.0.21 }
}

vm copy {
  host     = pve1
  template = debian-12
  storage  = tank
  network lan { ip = 10.0.0.22 }
}

vm linked {
  host       = pve1
  template   = debian-12
  full_clone = false
  storage    = local-lvm
  network lan { ip = 10.0.0.23 }
}
