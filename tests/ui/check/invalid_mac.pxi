# A NIC's `mac` that no interface can have (PXI0543): dashes, a multicast address,
# the all-zero MAC. A MAC in lower case is fine.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network wan {
  cidr = 192.168.1.0/24
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = wan, ports = ["eno2"] }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm a {
  host     = pve1
  template = ubuntu-2404
  network lan { mac = "bc-24-11-0a-1b-2c" }
}

vm b {
  host     = pve1
  template = ubuntu-2404
  network lan { mac = "33:33:00:00:00:01" }
}

vm c {
  host     = pve1
  template = ubuntu-2404
  network lan { mac = "00:00:00:00:00:00" }
}

vm d {
  host     = pve1
  template = ubuntu-2404
  network lan { mac = "02:ab:cd:00:00:01" }
}
