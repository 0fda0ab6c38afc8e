# IPv6 addresses outside their network (PXI0551): a static `ip6` outside `cidr6`,
# one on a network without `cidr6`, a `gateway6` outside `cidr6` and one on a network
# without it. A link-local gateway is on every link.

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
  cidr     = 192.168.1.0/24
  gateway6 = "2001:db8:20::1"
}

network dmz {
  cidr     = 192.168.2.0/24
  cidr6    = "2001:db8:30::/64"
  gateway6 = "2001:db8:31::1"
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
  network lan { ip = auto, ip6 = "2001:db8:99::5" }
  network wan { ip = dhcp, ip6 = "2001:db8:20::5" }
}
