# A cluster that keeps templates' VMIDs apart (`template_vmids`), outside its `vmids`:
# it checks cleanly (tests/lock.rs checks which VMIDs each gets).
use std.os
use std.roles

cluster lab {
  endpoint       = "https://10.0.0.2:8006/"
  vmids          = 100 .. 8999
  template_vmids = 9000 .. 9099
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
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, snippets, vztmpl] }
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
