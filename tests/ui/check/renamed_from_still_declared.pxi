# A guest renamed from a name that is still declared: its resource cannot be moved
# while the former guest is kept (a template Terraform makes is a VM resource too). A
# rename from a name no longer declared is fine.
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
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm db-01 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }
}

vm pg-01 {
  host         = pve1
  template     = ubuntu-2404
  renamed_from = "db-01"
  network lan { ip = auto }
}

vm pg-02 {
  host         = pve1
  template     = ubuntu-2404
  renamed_from = "db-02"
  network lan { ip = auto }
}

vm old-template {
  host         = pve1
  template     = ubuntu-2404
  renamed_from = "ubuntu-2404"
  network lan { ip = auto }
}

container cache {
  host         = pve1
  template     = os.debian_12_lxc
  storage      = local-lvm
  renamed_from = "db-01"
  network lan { ip = auto }
}
