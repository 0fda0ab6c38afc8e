# A VM's NIC with an MTU above its bridge's (PXI0548): above the default 1500 of a
# bridge that declares none, and above a bridge's own. A bridge takes its network's
# MTU, and a container's NIC or an emulated card is not refused at start.

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

network san {
  cidr = 10.9.0.0/24
  mtu  = 9000
  pool = 10.9.0.10 .. 10.9.0.99
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = wan, ports = ["eno2"] }
  bridge vmbr2 { network = san, ports = ["eno3"] }
  bridge vmbr3 { network = lan, ports = ["eno4"], mtu = 1500 }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm nas {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, mtu = 9000 }
  network san { ip = auto }
}

vm pinned {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, bridge = "vmbr3", mtu = 1501 }
}

vm emulated {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, model = e1000, mtu = 9000 }
}

container box {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto, mtu = 9000 }
}
