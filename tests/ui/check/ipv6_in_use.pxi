# One static IPv6 address on two NICs (PXI0552), written in two spellings.

use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr     = 10.0.0.0/24
  gateway  = 10.0.0.1
  pool     = 10.0.0.100 .. 10.0.0.199
  cidr6    = "2001:db8:10::/64"
  gateway6 = "fe80::1"
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
  network lan { ip = auto, ip6 = "2001:db8:10::5" }
}

vm b {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, ip6 = "2001:db8:10:0:0:0:0:5" }
}

vm c {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, ip6 = slaac }
}
