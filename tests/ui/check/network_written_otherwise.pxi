# A network in quotes, and a guest's address with a prefix length: both are the right
# value written another way, and the help says which way (PXI0201).
use std.os

cluster lab {
  endpoint = "https://192.168.50.2:8006/"
}

network lan {
  cidr    = "192.168.50.0/24"
  gateway = 192.168.50.1
}

network dmz {
  cidr    = 192.168.60.0/24
  gateway = "192.168.60.1"
}

host pve1 {
  address = 192.168.50.2
  memory  = "64GiB"
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
  network lan { ip = 192.168.50.20/24 }
}
