# IPv6 that is not IPv6 as Proxmox takes it (PXI0550): a network with host bits,
# one without a prefix, a gateway that is no address, an `ip6` with its prefix.

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
  cidr6    = "2001:db8:20::1/64"
  gateway6 = "2001:db8:20::g"
}

network dmz {
  cidr  = 192.168.2.0/24
  cidr6 = "2001:db8:30::"
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
  network lan { ip = auto, ip6 = "2001:db8:10::5/64" }
}
