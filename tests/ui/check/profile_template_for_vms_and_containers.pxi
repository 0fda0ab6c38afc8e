# A profile's `template` names a VM template for the VMs that inherit it and an
# `lxc` image for the containers: each guest checks it against its own kind.
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
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl, snippets] }
}

template debian-12 {
  host  = pve1
  image = os.debian_12
  storage = local-lvm
}

profile lxc-small {
  template = os.debian_12_lxc
  storage  = local-lvm
  startup { order = 5 }
}

profile vm-small {
  template = debian-12
}

profile wrong {
  template = lan
}

container cache : lxc-small {
  host = pve1
  network lan { ip = auto }
}

vm web : lxc-small {
  host = pve1
  network lan { ip = auto }
}

container db : vm-small {
  host    = pve1
  storage = local-lvm
  network lan { ip = auto }
}
